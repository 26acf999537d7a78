using GraphQL.DataLoader;
using GraphQL.Types;
using PartnerGraph.Domain.Audit;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Organisations;

namespace PartnerGraph.GraphQL.Audit;

/// <summary>
/// One entry of the access log. The class is named AccessLogType, not AccessLogEntryType, because ConnectionType
/// names the connection after the class: AccessLogConnection, as the public contract says.
/// </summary>
public sealed class AccessLogType : ObjectGraphType<AccessLogEntry>
{
    public AccessLogType()
    {
        Name = "AccessLogEntry";
        Description = "One request to this API, allowed or refused: who, what, when, how long, and the outcome. Never the values of variables.";
        Field<NonNullGraphType<LongGraphType>, long>("id")
            .Description("Position in the log; later requests have larger ids.")
            .Resolve(c => c.Source.Id);
        Field(e => e.At).Description("When the request arrived (UTC).");
        Field(e => e.ClientId, nullable: true).Description("The partner system that asked; null when no token was accepted.");
        Field<OrganisationType, IDataLoaderResult<Organisation?>>("organisation")
            .Description("The organisation the client speaks for; null when no token was accepted.")
            .Resolve(c => c.Source.OrganisationId is { } id ? c.Request().Organisations().Load(id) : null);
        Field(e => e.PersonId, nullable: true).Description("The person, for tokens issued to people (analysts).");
        Field(e => e.OperationName, nullable: true);
        Field(e => e.OperationType, nullable: true).Description("query, mutation or subscription.");
        Field(e => e.DocumentHash, nullable: true).Description("SHA-256 of the GraphQL document, lowercase hex; the document itself is not kept.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>, IEnumerable<string>>("datasets")
            .Description("The datasets asked for: referrals, statistics, cases, coverage, audit.")
            .Resolve(c => Split(c.Source.Datasets));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>, IEnumerable<string>>("dimensions")
            .Description("The groupBy dimensions asked for, e.g. PROVINCE, QUARTER.")
            .Resolve(c => Split(c.Source.Dimensions));
        Field(e => e.RowsReturned).Description("Items in the answer: the nodes of connections, the items of lists, 1 per object.");
        Field(e => e.CellsSuppressed).Description("Statistic cells withheld by disclosure control.");
        Field<NonNullGraphType<FloatGraphType>, double>("rhoCharged").Description("The privacy loss (rho) the request was charged; 0 for repeats and published tables.").Resolve(c => (double)PartnerGraph.Domain.Statistics.PrivacyLoss.FromMicro(c.Source.MicroRhoCharged));
        Field<FloatGraphType, double?>("rhoRemaining").Description("What the organisation had left of its quarter's budget after the request; null when it read no statistics.").Resolve(c => c.Source.MicroRhoRemaining is { } left ? (double)PartnerGraph.Domain.Statistics.PrivacyLoss.FromMicro(left) : null);
        Field(e => e.DurationMs).Description("Milliseconds from the request's arrival to its answer.");
        Field<NonNullGraphType<EnumerationGraphType<AccessOutcome>>, AccessOutcome>("outcome")
            .Description("ALLOWED, REFUSED (not executed: credentials, transport, parse, validation) or FAILED (executed with errors).")
            .Resolve(c => c.Source.Outcome);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>, IEnumerable<string>>("errorCodes")
            .Description("The extensions.code of each error the answer carried.")
            .Resolve(c => Split(c.Source.ErrorCodes));
    }

    private static string[] Split(string? list) => list?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
}

public sealed class AccessLogFilter
{
    public DateTime? From { get; set; }
    public DateTime? To { get; set; }
    public AccessOutcome? Outcome { get; set; }
    public string? Organisation { get; set; }
    public string? ClientId { get; set; }
}

public sealed class AccessLogFilterInputType : InputObjectGraphType<AccessLogFilter>
{
    public AccessLogFilterInputType()
    {
        Name = "AccessLogFilter";
        Description = "Narrows the access log; every condition given must hold.";
        Field<DateTimeGraphType>("from").Description("Only requests at or after this time (UTC).");
        Field<DateTimeGraphType>("to").Description("Only requests before this time (UTC).");
        Field<EnumerationGraphType<AccessOutcome>>("outcome");
        Field<StringGraphType>("organisation").Description("Slug of the organisation that asked; with audit.read, any organisation.");
        Field<StringGraphType>("clientId").Description("The partner system that asked.");
    }
}
