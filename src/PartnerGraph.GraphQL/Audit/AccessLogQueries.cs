using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Domain.Audit;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Audit;

public sealed class AccessLogQueries : IRootFields
{
    public RootOperation Operation => RootOperation.Query;

    public void AddFields(ObjectGraphType root) =>
        root.Field<NonNullGraphType<ConnectionType<AccessLogType, AccessLogEntry>>, Page<AccessLogEntry>>("accessLog")
            .Description("Every request to this API, allowed or refused, oldest first; last: n gives the newest n. With audit.read every organisation's entries, otherwise the caller's organisation's own.")
            .Argument<AccessLogFilterInputType>("filter", "Which entries; your organisation's own (or every one with audit.read) when left out.")
            .PageArguments()
            .ResolveAsync(async c =>
            {
                var filter = c.GetArgument<AccessLogFilter?>("filter") ?? new AccessLogFilter();
                if (filter.From is { } from && filter.To is { } to && Utc(from) > Utc(to))
                {
                    throw new UserError(ErrorCodes.InvalidPeriod, $"from ({Utc(from):O}) is after to ({Utc(to):O}). Swap them.");
                }

                if (filter.Organisation is not null)
                {
                    await using var db = await c.OpenDatabaseAsync();
                    if (!await db.Organisations.AnyAsync(o => o.Id == filter.Organisation, c.CancellationToken))
                    {
                        throw new UserError(ErrorCodes.UnknownOrganisation, "filter.organisation names no organisation. The organisations query lists their slugs.");
                    }
                }

                var caller = c.Request().Caller;
                return await c.PageAsync(db => Apply(db.VisibleAccessLog(caller), filter), e => e.Id);
            });

    private static IQueryable<AccessLogEntry> Apply(IQueryable<AccessLogEntry> entries, AccessLogFilter filter)
    {
        if (filter.From is { } from)
        {
            var utc = Utc(from);
            entries = entries.Where(e => e.At >= utc);
        }

        if (filter.To is { } to)
        {
            var utc = Utc(to);
            entries = entries.Where(e => e.At < utc);
        }

        if (filter.Outcome is { } outcome)
        {
            entries = entries.Where(e => e.Outcome == outcome);
        }

        if (filter.Organisation is { } organisation)
        {
            entries = entries.Where(e => e.OrganisationId == organisation);
        }

        if (filter.ClientId is { } client)
        {
            entries = entries.Where(e => e.ClientId == client);
        }

        return entries;
    }

    /// <summary>Times without an offset are taken as UTC, as every time of this API is.</summary>
    private static DateTime Utc(DateTime time) =>
        time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time.ToUniversalTime();
}

public static class AccessLogVisibility
{
    /// <summary>Every entry for a caller with audit.read; otherwise only its own organisation's, so others' do not exist for it.</summary>
    public static IQueryable<AccessLogEntry> VisibleAccessLog(this PartnerGraphDbContext db, Caller caller)
    {
        if (caller.Has(Scopes.AuditRead))
        {
            return db.AccessLog;
        }

        var own = caller.OrganisationId;
        return db.AccessLog.Where(e => e.OrganisationId == own);
    }
}
