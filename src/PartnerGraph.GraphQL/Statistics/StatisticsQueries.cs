using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;
using Microsoft.Extensions.Options;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Data.Statistics;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Domain.Geography;
using PartnerGraph.Domain.Sharing;
using PartnerGraph.Domain.Statistics;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Statistics;

public sealed class StatisticsQueries(GeographyCatalogue geography, StatisticsReleaser releaser, IOptions<StatisticsOptions> options) : IRootFields
{
    public RootOperation Operation => RootOperation.Query;

    public void AddFields(ObjectGraphType root) =>
        root.Field<NonNullGraphType<CaseStatisticsType>, CaseStatistics>("caseStatistics")
            .Description("Children identified, grouped by the dimensions asked for, released under differential privacy: each new table is charged to the organisation's privacy-loss budget; repeats and published tables are free.")
            .Argument<CaseStatisticsFilterInputType>("filter", "Which cases count (period, places and any dimension); all those your agreement covers when left out.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<EnumerationGraphType<CaseDimension>>>>>("groupBy", "At most 4 dimensions; an empty list gives the total alone.")
            .AddAccuracyArguments()
            .RequireScopes(Scopes.StatisticsRead)
            .ResolveAsync(async c =>
            {
                var filter = c.GetArgument<CaseStatisticsFilter?>("filter") ?? new CaseStatisticsFilter();
                var question = await CaseQuestions.AskAsync(c, geography, options.Value, filter, c.GetArgument<List<CaseDimension>>("groupBy"));
                return await releaser.ReleaseAsync(c, question, AccuracyArguments.MicroRho(c));
            });
}

/// <summary>The arguments that say how accurate a table must be, and so what it costs.</summary>
public static class AccuracyArguments
{
    public const string InvalidAccuracy = "INVALID_ACCURACY";

    public static FieldBuilder<TSource, TReturn> AddAccuracyArguments<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field) =>
        field
            .Argument<AccuracyType>("accuracy", a =>
            {
                a.DefaultValue = Accuracy.Standard;
                a.Description = "How accurate the counts must be: LOW costs rho 0.005, STANDARD 0.02, HIGH 0.1 of the organisation's budget.";
            })
            .Argument<FloatGraphType>("rho", $"Instead of accuracy: the privacy loss to spend on this table, from {PrivacyLoss.MinimumRho} to {PrivacyLoss.MaximumRho}. More rho, less noise.");

    /// <summary>The rho the request asks to spend, in micro-rho.</summary>
    public static long MicroRho(IResolveFieldContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.GetArgument<double?>("rho") is not { } rho)
        {
            return PrivacyLoss.MicroRho(context.GetArgument("accuracy", Accuracy.Standard));
        }

        if (!double.IsFinite(rho) || (decimal)rho < PrivacyLoss.MinimumRho || (decimal)rho > PrivacyLoss.MaximumRho)
        {
            throw new UserError(InvalidAccuracy, $"rho must be from {PrivacyLoss.MinimumRho} to {PrivacyLoss.MaximumRho}; or leave it out and give accuracy: LOW, STANDARD or HIGH.");
        }

        return PrivacyLoss.ToMicro((decimal)rho);
    }
}

/// <summary>Turns a request's filter and grouping into a <see cref="CaseQuestion"/>: validated, checked against the caller's agreement, canonical.</summary>
public static class CaseQuestions
{
    public const string InvalidNationality = "INVALID_NATIONALITY";

    public static async Task<CaseQuestion> AskAsync(IResolveFieldContext c, GeographyCatalogue geography, StatisticsOptions options, CaseStatisticsFilter filter, IReadOnlyList<CaseDimension> groupBy)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(filter);
        var dimensions = CaseQuestion.Canonical(groupBy);
        if (dimensions.Count > options.MaxDimensions)
        {
            throw new UserError(ErrorCodes.InvalidGroupBy, $"A table may be grouped by at most {options.MaxDimensions} dimensions; you asked for {dimensions.Count}.");
        }

        var period = filter.Period?.Validated();
        var provinces = filter.Provinces?.Select(p => Geography.GeographyQueries.Find(geography, p, "filter.provinces").Code).ToList();
        var districts = filter.Districts?.Select(d => geography.District(d)?.Code
            ?? throw new UserError(ErrorCodes.UnknownDistrict, "filter.districts holds a code that names no district. A district code has 4 digits, e.g. 5001; a province's districts field lists them.")).ToList();
        var nationalities = filter.Nationalities?.Select(n => n.ToUpperInvariant()).ToList();
        if (nationalities?.Any(n => !CountryCodes.IsAssigned(n) && n is not CaseRecordRules.Stateless and not CaseRecordRules.UnknownNationality) == true)
        {
            throw new UserError(InvalidNationality, "filter.nationalities holds a value that is not an ISO 3166-1 alpha-2 country code, STATELESS or UNKNOWN.");
        }

        var agreement = await c.RequireAgreementAsync(SharedDatasets.Statistics);
        var finest = dimensions.Contains(CaseDimension.District) || districts is { Count: > 0 } ? GeographicLevel.District
            : dimensions.Contains(CaseDimension.Province) || provinces is { Count: > 0 } ? GeographicLevel.Province
            : GeographicLevel.National;
        agreement.Require(finest, finest == GeographicLevel.District ? "a DISTRICT dimension or filter" : "a PROVINCE dimension or filter");
        if (agreement.Provinces is { } allowed)
        {
            var outside = (provinces ?? []).Concat((districts ?? []).Select(d => d[..2])).FirstOrDefault(p => !allowed.Contains(p));
            if (outside is not null)
            {
                throw new UserError(ErrorCodes.AgreementRequired, $"Your organisation's agreement does not cover province TH-{outside}.");
            }
        }

        var filters = new Dictionary<CaseDimension, IReadOnlyList<string>>();
        void Add(CaseDimension dimension, IEnumerable<string>? values)
        {
            if (values?.ToList() is { Count: > 0 } list)
            {
                filters[dimension] = CaseQuestion.Canonical(list);
            }
        }

        Add(CaseDimension.Province, provinces);
        Add(CaseDimension.District, districts);
        Add(CaseDimension.AgeBand, filter.AgeBands?.Select(v => v.ToString()));
        Add(CaseDimension.Sex, filter.Sexes?.Select(v => v.ToString()));
        Add(CaseDimension.Nationality, nationalities);
        Add(CaseDimension.PopulationGroup, filter.PopulationGroups?.Select(v => v.ToString()));
        Add(CaseDimension.ExploitationType, filter.ExploitationTypes?.Select(v => v.ToString()));
        Add(CaseDimension.VictimStatus, filter.VictimStatuses?.Select(v => v.ToString()));
        Add(CaseDimension.IdentificationSource, filter.IdentificationSources?.Select(v => v.ToString()));

        var today = DateOnly.FromDateTime(c.Request().Clock.GetUtcNow().UtcDateTime);
        return new CaseQuestion
        {
            GroupBy = dimensions,
            From = period?.From ?? new DateOnly(options.FirstYear, 1, 1),
            To = period?.To ?? new DateOnly(today.Year, 12, 31),
            Filters = filters,
            AllowedProvinces = agreement.Provinces?.Order(StringComparer.Ordinal).ToList(),
        };
    }
}
