using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Domain.Geography;
using PartnerGraph.Domain.Programmes;
using PartnerGraph.Domain.Sharing;
using PartnerGraph.Domain.Statistics;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Geography;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Statistics;

/// <summary>An area where many children were identified but prevention reached few: the view that joins the two datasets.</summary>
public sealed record CoverageGap(string? ProvinceCode, string? DistrictCode, ProtectedCount ChildrenIdentified, int StudentsReached, int SchoolsReached, int CommunitiesReached, double? GapScore, int Rank);

public sealed class CoverageGapType : ObjectGraphType<CoverageGap>
{
    public CoverageGapType(GeographyCatalogue geography)
    {
        Name = "CoverageGap";
        Description = "Children identified in an area against the approved prevention coverage there.";
        Field<ProvinceType, Province?>("province").Resolve(c => c.Source.ProvinceCode is { } p ? geography.Province(p) : null);
        Field<DistrictType, District?>("district").Resolve(c => c.Source.DistrictCode is { } d ? geography.District(d) : null);
        Field<NonNullGraphType<SuppressibleCountType>, ProtectedCount>("childrenIdentified").Description("Released like caseStatistics: with noise, charged to the budget unless a published table answers.").Resolve(c => c.Source.ChildrenIdentified);
        Field(g => g.StudentsReached).Description("Girls and boys reached by the school prevention curriculum (approved reports).");
        Field(g => g.SchoolsReached);
        Field(g => g.CommunitiesReached).Description("Communities reached by the community volunteers programme (approved reports).");
        Field(g => g.GapScore, nullable: true).Description("Children identified per 1,000 students reached, smoothed: identified x 1000 / (students + 1000). Null when the count is suppressed.");
        Field(g => g.Rank).Description("1 is the widest gap; areas whose count is suppressed come last.");
    }
}

public sealed class CoverageGapQueries(GeographyCatalogue geography, StatisticsReleaser releaser, IOptions<StatisticsOptions> options) : IRootFields
{
    private const string SchoolProgramme = "PREVENTION-SCHOOL";
    private const string VolunteerProgramme = "COMMUNITY-VOLUNTEERS";

    public RootOperation Operation => RootOperation.Query;

    public void AddFields(ObjectGraphType root) =>
        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<CoverageGapType>>>, IReadOnlyList<CoverageGap>>("coverageGaps")
            .Description("Provinces or districts ranked by children identified (noisy, under differential privacy) against approved prevention coverage.")
            .Argument<NonNullGraphType<PeriodInputType>>("period", "The period whose identified cases and approved coverage are compared.")
            .Argument<NonNullGraphType<EnumerationGraphType<GeographicLevel>>>("level", "PROVINCE or DISTRICT (as your agreement allows).")
            .AddAccuracyArguments()
            .RequireScopes(Scopes.StatisticsRead, Scopes.CoverageRead)
            .ResolveAsync(async c => await GapsAsync(c));

    private async Task<IReadOnlyList<CoverageGap>> GapsAsync(IResolveFieldContext c)
    {
        var period = c.GetArgument<Period>("period").Validated();
        var level = c.GetArgument<GeographicLevel>("level");
        var dimension = level switch
        {
            GeographicLevel.District => new[] { CaseDimension.District },
            GeographicLevel.Province => [CaseDimension.Province],
            _ => [],
        };

        var coverageAgreement = await c.RequireAgreementAsync(SharedDatasets.Coverage);
        coverageAgreement.Require(level, $"coverage at {level.ToString().ToUpperInvariant()} level");
        var question = await CaseQuestions.AskAsync(c, geography, options.Value, new CaseStatisticsFilter { Period = period }, dimension);
        var children = await releaser.ReleaseAsync(c, question, AccuracyArguments.MicroRho(c));

        var (first, last) = period.QuarterKeys();
        var provinces = coverageAgreement.Provinces;
        await using var db = await c.OpenDatabaseAsync();
        var reports = await db.CoverageReports
            .Where(r => r.Status == CoverageReportStatus.Approved && (r.ProgrammeCode == SchoolProgramme || r.ProgrammeCode == VolunteerProgramme))
            .Where(r => (r.Year * 10) + r.Quarter >= first && (r.Year * 10) + r.Quarter <= last)
            .Where(r => provinces == null || provinces.Contains(r.ProvinceCode))
            .GroupBy(r => level == GeographicLevel.District ? r.DistrictCode : level == GeographicLevel.Province ? r.ProvinceCode : "")
            .Select(g => new
            {
                Area = g.Key,
                Students = g.Sum(r => r.Reached.StudentsGirls + r.Reached.StudentsBoys),
                Schools = g.Sum(r => r.Reached.SchoolsReached),
                Communities = g.Sum(r => r.Reached.CommunitiesReached),
            })
            .ToDictionaryAsync(x => x.Area, c.CancellationToken);

        // Cases whose district is not known make a cell of their own, which is no area to rank.
        var areas = children.Cells.Where(cell => cell.Key.Single().Length > 0)
            .Select(cell => (Area: cell.Key.Single(), Count: new ProtectedCount(cell.Count, cell.Suppressed)))
            .ToList();
        if (level == GeographicLevel.National)
        {
            areas = [("", children.Total)];
        }

        // An area with approved reports that the released table does not hold (outside the statistics agreement's
        // provinces) gets no count: 0 would be a figure that was never measured.
        foreach (var area in reports.Keys.Where(a => areas.All(x => x.Area != a)))
        {
            areas.Add((area, new ProtectedCount(null, true)));
        }

        return areas
            .Select(a =>
            {
                var reached = reports.GetValueOrDefault(a.Area);
                var students = reached?.Students ?? 0;
                double? score = a.Count.Count is { } n ? Math.Round(n * 1000.0 / (students + 1000), 2) : null;
                return (a, reached, students, score);
            })
            .OrderBy(x => x.score is null)
            .ThenByDescending(x => x.score)
            .ThenBy(x => x.a.Area, StringComparer.Ordinal)
            .Select((x, i) => new CoverageGap(
                level == GeographicLevel.National ? null : level == GeographicLevel.Province ? x.a.Area : x.a.Area[..2],
                level == GeographicLevel.District ? x.a.Area : null,
                x.a.Count,
                x.students,
                x.reached?.Schools ?? 0,
                x.reached?.Communities ?? 0,
                x.score,
                i + 1))
            .ToList();
    }
}
