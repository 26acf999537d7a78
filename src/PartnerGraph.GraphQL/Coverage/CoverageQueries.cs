using System.ComponentModel;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Domain.Programmes;
using PartnerGraph.Domain.Sharing;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Coverage;

public enum CoverageDimension
{
    [Description("One cell per province.")]
    Province,
    [Description("One cell per district (implies PROVINCE).")]
    District,
    [Description("One cell per calendar year.")]
    Year,
    [Description("One cell per quarter (implies YEAR).")]
    Quarter,
}

public sealed class CoverageQueries : IRootFields
{
    public RootOperation Operation => RootOperation.Query;

    public void AddFields(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<ConnectionType<ProgrammeType, Programme>>, Page<Programme>>("programmes")
            .Description("The prevention and protection programmes, by code.")
            .PageArguments(backward: false)
            .RequireScopes(Scopes.CoverageRead)
            .ResolveAsync(async c =>
            {
                await c.RequireAgreementAsync(SharedDatasets.Coverage);
                return await c.PageAsync(db => db.Programmes, p => p.Code);
            });

        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<CoverageCellType>>>, IReadOnlyList<CoverageCell>>("programmeCoverage")
            .Description("Approved coverage of a programme, summed by the dimensions asked for; reports not yet approved are left out.")
            .Argument<NonNullGraphType<StringGraphType>>("programmeCode", "The programme's code, as the programmes query lists them.")
            .Argument<PeriodInputType>("period", "Quarters whose first day lies in the period; every quarter when left out.")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<EnumerationGraphType<CoverageDimension>>>>>("groupBy", "DISTRICT implies PROVINCE, QUARTER implies YEAR. An empty list gives one total cell.")
            .RequireScopes(Scopes.CoverageRead)
            .ResolveAsync(async c => await CoverageAsync(c));
    }

    private static async Task<IReadOnlyList<CoverageCell>> CoverageAsync(IResolveFieldContext c)
    {
        var code = c.GetArgument<string>("programmeCode");
        var (first, last) = c.GetArgument<Period?>("period")?.Validated().QuarterKeys() ?? (int.MinValue, int.MaxValue);
        var groupBy = c.GetArgument<List<CoverageDimension>>("groupBy");
        var byDistrict = groupBy.Contains(CoverageDimension.District);
        var byProvince = byDistrict || groupBy.Contains(CoverageDimension.Province);
        var byQuarter = groupBy.Contains(CoverageDimension.Quarter);
        var byYear = byQuarter || groupBy.Contains(CoverageDimension.Year);
        var agreement = await c.RequireAgreementAsync(SharedDatasets.Coverage);
        agreement.Require(byDistrict ? GeographicLevel.District : byProvince ? GeographicLevel.Province : GeographicLevel.National, byDistrict ? "grouping by DISTRICT" : "grouping by PROVINCE");
        var provinces = agreement.Provinces;

        await using var db = await c.OpenDatabaseAsync();
        if (!await db.Programmes.AnyAsync(p => p.Code == code, c.CancellationToken))
        {
            throw new UserError(ErrorCodes.UnknownProgramme, "programmeCode names no programme. The programmes query lists their codes.");
        }

        var rows = await db.CoverageReports
            .Where(r => r.ProgrammeCode == code && r.Status == CoverageReportStatus.Approved)
            .Where(r => (r.Year * 10) + r.Quarter >= first && (r.Year * 10) + r.Quarter <= last)
            .Where(r => provinces == null || provinces.Contains(r.ProvinceCode))
            .GroupBy(r => new
            {
                Province = byProvince ? r.ProvinceCode : null,
                District = byDistrict ? r.DistrictCode : null,
                Year = byYear ? (int?)r.Year : null,
                Quarter = byQuarter ? (int?)r.Quarter : null,
            })
            .Select(g => new
            {
                g.Key,
                Reports = g.Count(),
                Schools = new Measure(g.Sum(r => r.Reached.SchoolsReached), g.Sum(r => r.Target.SchoolsReached)),
                Girls = new Measure(g.Sum(r => r.Reached.StudentsGirls), g.Sum(r => r.Target.StudentsGirls)),
                Boys = new Measure(g.Sum(r => r.Reached.StudentsBoys), g.Sum(r => r.Target.StudentsBoys)),
                Teachers = new Measure(g.Sum(r => r.Reached.TeachersTrained), g.Sum(r => r.Target.TeachersTrained)),
                Youth = new Measure(g.Sum(r => r.Reached.YouthParticipants), g.Sum(r => r.Target.YouthParticipants)),
                Volunteers = new Measure(g.Sum(r => r.Reached.ActiveVolunteers), g.Sum(r => r.Target.ActiveVolunteers)),
                Communities = new Measure(g.Sum(r => r.Reached.CommunitiesReached), g.Sum(r => r.Target.CommunitiesReached)),
            })
            .ToListAsync(c.CancellationToken);

        return rows
            .Select(r => new CoverageCell
            {
                ProvinceCode = r.Key.Province,
                DistrictCode = r.Key.District,
                Year = r.Key.Year,
                Quarter = r.Key.Quarter,
                Reports = r.Reports,
                SchoolsReached = r.Schools,
                StudentsGirls = r.Girls,
                StudentsBoys = r.Boys,
                TeachersTrained = r.Teachers,
                YouthParticipants = r.Youth,
                ActiveVolunteers = r.Volunteers,
                CommunitiesReached = r.Communities,
            })
            .OrderBy(r => r.ProvinceCode, StringComparer.Ordinal)
            .ThenBy(r => r.DistrictCode, StringComparer.Ordinal)
            .ThenBy(r => r.Year)
            .ThenBy(r => r.Quarter)
            .ToList();
    }
}
