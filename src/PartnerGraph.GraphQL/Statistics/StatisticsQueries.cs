using System.Globalization;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerGraph.Data;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Domain.Geography;
using PartnerGraph.Domain.Sharing;
using PartnerGraph.Domain.Statistics;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Statistics;

public sealed class StatisticsQueries(GeographyCatalogue geography, IOptions<StatisticsOptions> options) : IRootFields
{
    public RootOperation Operation => RootOperation.Query;

    public void AddFields(ObjectGraphType root) =>
        root.Field<NonNullGraphType<CaseStatisticsType>, CaseStatistics>("caseStatistics")
            .Description("Children identified, grouped in the database by the dimensions asked for, under disclosure control.")
            .Argument<CaseStatisticsFilterInputType>("filter")
            .Argument<NonNullGraphType<ListGraphType<NonNullGraphType<EnumerationGraphType<CaseDimension>>>>>("groupBy", "At most 4 dimensions; an empty list gives the total alone.")
            .RequireScopes(Scopes.StatisticsRead)
            .ResolveAsync(async c =>
            {
                var groupBy = c.GetArgument<List<CaseDimension>>("groupBy").Distinct().ToList();
                var filter = c.GetArgument<CaseStatisticsFilter?>("filter") ?? new CaseStatisticsFilter();
                var table = await CaseTables.CountAsync(c, geography, options.Value, filter, groupBy);
                return Protect(c, table, groupBy, options.Value);
            });

    /// <summary>Disclosure control over a counted table, with the suppressed cells noted for the access log.</summary>
    internal static CaseStatistics Protect(IResolveFieldContext c, CountedTable table, IReadOnlyList<CaseDimension> groupBy, StatisticsOptions options)
    {
        var protectedTable = DisclosureControl.Protect(table.Cells, table.Total, groupBy.Count, new DisclosureOptions { Threshold = options.Threshold, Perturbation = options.Perturbation });
        c.Request().AddCellsSuppressed(protectedTable.Report.PrimarySuppressed + protectedTable.Report.SecondarySuppressed);
        var positions = StatisticCell.PositionsOf(groupBy);
        var cells = new StatisticCell[protectedTable.Cells.Count];
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = protectedTable.Cells[i];
            cells[i] = new StatisticCell(cell.Key, positions, cell.Count, cell.Suppressed);
        }

        return new CaseStatistics(cells, protectedTable.Total, protectedTable.Report);
    }
}

/// <summary>Case counts grouped in the database, before disclosure control.</summary>
public sealed record CountedTable(IReadOnlyList<RawCell> Cells, RawCell Total);

/// <summary>Counting cases in the database: the filter, the caller's agreement, and GROUP BY over the dimensions asked for.</summary>
public static class CaseTables
{
    public static async Task<CountedTable> CountAsync(IResolveFieldContext c, GeographyCatalogue geography, StatisticsOptions options, CaseStatisticsFilter filter, IReadOnlyList<CaseDimension> groupBy)
    {
        if (groupBy.Count > options.MaxDimensions)
        {
            throw new UserError(ErrorCodes.InvalidGroupBy, $"A table may be grouped by at most {options.MaxDimensions} dimensions; you asked for {groupBy.Count}.");
        }

        var period = filter.Period?.Validated();
        var provinces = filter.Provinces?.Select(p => Geography.GeographyQueries.Find(geography, p).Code).Distinct().ToList();
        var districts = filter.Districts?.Select(d => geography.District(d)?.Code
            ?? throw new UserError(ErrorCodes.UnknownDistrict, $"There is no district '{GlobalId.Truncate(d)}'. A district code has 4 digits, e.g. 5001; a province's districts field lists them.")).Distinct().ToList();

        var agreement = await c.RequireAgreementAsync(SharedDatasets.Statistics);
        var finest = groupBy.Contains(CaseDimension.District) || districts is { Count: > 0 } ? GeographicLevel.District
            : groupBy.Contains(CaseDimension.Province) || provinces is { Count: > 0 } ? GeographicLevel.Province
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

        await using var db = await c.OpenDatabaseAsync();
        var cube = options.UseCubes ? PlanCube(filter, period, districts, groupBy) : null;
        var rows = cube is null
            ? await GroupAsync(Filter(db.CaseRecords, filter, period, provinces, districts, agreement.Provinces), groupBy, c.CancellationToken)
            : await GroupAsync(FilterCube(db.CaseCounts.Where(x => x.Cube == cube.Name), filter, period, provinces, districts, agreement.Provinces), groupBy, c.CancellationToken);
        var cells = rows.Select(row => row.ToCell(groupBy)).OrderBy(cell => string.Join('\u001f', cell.Key), StringComparer.Ordinal).ToList();
        var total = new RawCell([], cells.Sum(x => x.Count), cells.Sum(x => x.KeySum));
        return new CountedTable(cells, total);
    }

    private static IQueryable<CaseRecord> Filter(IQueryable<CaseRecord> cases, CaseStatisticsFilter filter, Period? period, List<string>? provinces, List<string>? districts, IReadOnlySet<string>? allowed)
    {
        if (period is not null)
        {
            cases = cases.Where(r => r.IdentifiedOn >= period.From && r.IdentifiedOn <= period.To);
        }

        if (allowed is not null)
        {
            var list = allowed.ToList();
            cases = cases.Where(r => list.Contains(r.ProvinceCode));
        }

        if (provinces is { Count: > 0 })
        {
            cases = cases.Where(r => provinces.Contains(r.ProvinceCode));
        }

        if (districts is { Count: > 0 })
        {
            cases = cases.Where(r => r.DistrictCode != null && districts.Contains(r.DistrictCode));
        }

        if (filter.AgeBands is { Count: > 0 } ageBands)
        {
            cases = cases.Where(r => ageBands.Contains(r.AgeBand));
        }

        if (filter.Sexes is { Count: > 0 } sexes)
        {
            cases = cases.Where(r => sexes.Contains(r.Sex));
        }

        if (filter.Nationalities is { Count: > 0 } nationalities)
        {
            var upper = nationalities.Select(n => n.ToUpperInvariant()).ToList();
            cases = cases.Where(r => upper.Contains(r.Nationality));
        }

        if (filter.PopulationGroups is { Count: > 0 } groups)
        {
            cases = cases.Where(r => groups.Contains(r.PopulationGroup));
        }

        if (filter.ExploitationTypes is { Count: > 0 } types)
        {
            cases = cases.Where(r => types.Contains(r.ExploitationType));
        }

        if (filter.VictimStatuses is { Count: > 0 } statuses)
        {
            cases = cases.Where(r => statuses.Contains(r.VictimStatus));
        }

        if (filter.IdentificationSources is { Count: > 0 } sources)
        {
            cases = cases.Where(r => sources.Contains(r.IdentificationSource));
        }

        return cases;
    }

    /// <summary>
    /// The smallest maintained cube that holds every dimension the table groups or filters by, or null when only the
    /// case records will do (a dimension no cube keeps, or a period that does not start and end on whole months).
    /// </summary>
    internal static CaseCube? PlanCube(CaseStatisticsFilter filter, Period? period, List<string>? districts, IReadOnlyList<CaseDimension> groupBy)
    {
        if (period is not null && (period.From.Day != 1 || period.To.AddDays(1).Day != 1))
        {
            return null;
        }

        var needed = groupBy.Select(ToCube).ToHashSet();
        void Need(bool filtered, CubeDimension dimension)
        {
            if (filtered)
            {
                needed.Add(dimension);
            }
        }

        Need(districts is { Count: > 0 }, CubeDimension.District);
        Need(filter.AgeBands is { Count: > 0 }, CubeDimension.AgeBand);
        Need(filter.Sexes is { Count: > 0 }, CubeDimension.Sex);
        Need(filter.Nationalities is { Count: > 0 }, CubeDimension.Nationality);
        Need(filter.PopulationGroups is { Count: > 0 }, CubeDimension.PopulationGroup);
        Need(filter.ExploitationTypes is { Count: > 0 }, CubeDimension.ExploitationType);
        Need(filter.VictimStatuses is { Count: > 0 }, CubeDimension.VictimStatus);
        Need(filter.IdentificationSources is { Count: > 0 }, CubeDimension.IdentificationSource);
        return CaseCubes.For(needed);
    }

    private static CubeDimension ToCube(CaseDimension dimension) => dimension switch
    {
        CaseDimension.Province => CubeDimension.Province,
        CaseDimension.District => CubeDimension.District,
        CaseDimension.Year or CaseDimension.Quarter or CaseDimension.Month => CubeDimension.Month,
        CaseDimension.AgeBand => CubeDimension.AgeBand,
        CaseDimension.Sex => CubeDimension.Sex,
        CaseDimension.Nationality => CubeDimension.Nationality,
        CaseDimension.PopulationGroup => CubeDimension.PopulationGroup,
        CaseDimension.ExploitationType => CubeDimension.ExploitationType,
        CaseDimension.VictimStatus => CubeDimension.VictimStatus,
        _ => CubeDimension.IdentificationSource,
    };

    private static IQueryable<CaseCount> FilterCube(IQueryable<CaseCount> counts, CaseStatisticsFilter filter, Period? period, List<string>? provinces, List<string>? districts, IReadOnlySet<string>? allowed)
    {
        if (period is not null)
        {
            var first = (period.From.Year * 100) + period.From.Month;
            var last = (period.To.Year * 100) + period.To.Month;
            counts = counts.Where(x => x.MonthKey >= first && x.MonthKey <= last);
        }

        if (allowed is not null)
        {
            var list = allowed.ToList();
            counts = counts.Where(x => list.Contains(x.ProvinceCode));
        }

        if (provinces is { Count: > 0 })
        {
            counts = counts.Where(x => provinces.Contains(x.ProvinceCode));
        }

        if (districts is { Count: > 0 })
        {
            counts = counts.Where(x => districts.Contains(x.DistrictCode));
        }

        counts = Any(counts, filter.AgeBands, x => x.AgeBand);
        counts = Any(counts, filter.Sexes, x => x.Sex);
        counts = Any(counts, filter.Nationalities?.Select(n => n.ToUpperInvariant()).ToList(), x => x.Nationality);
        counts = Any(counts, filter.PopulationGroups, x => x.PopulationGroup);
        counts = Any(counts, filter.ExploitationTypes, x => x.ExploitationType);
        counts = Any(counts, filter.VictimStatuses, x => x.VictimStatus);
        return Any(counts, filter.IdentificationSources, x => x.IdentificationSource);
    }

    /// <summary>Cube columns hold enum values by name, as the case records do.</summary>
    private static IQueryable<CaseCount> Any<T>(IQueryable<CaseCount> counts, List<T>? values, System.Linq.Expressions.Expression<Func<CaseCount, string>> column)
    {
        if (values is not { Count: > 0 })
        {
            return counts;
        }

        var names = values.Select(v => v!.ToString()!).ToList();
        var parameter = column.Parameters[0];
        var contains = System.Linq.Expressions.Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(string)], System.Linq.Expressions.Expression.Constant(names), column.Body);
        return counts.Where(System.Linq.Expressions.Expression.Lambda<Func<CaseCount, bool>>(contains, parameter));
    }

    /// <summary>One GROUP BY over the case records; a dimension not asked for groups as a constant null.</summary>
    private static async Task<List<GroupRow>> GroupAsync(IQueryable<CaseRecord> cases, IReadOnlyList<CaseDimension> groupBy, CancellationToken cancellationToken)
    {
        var by = new Grouping(groupBy);
        var rows = await cases
            .GroupBy(r => new
            {
                Province = by.Province ? r.ProvinceCode : null,
                District = by.District ? r.DistrictCode : null,
                Year = by.Year ? (int?)r.IdentifiedOn.Year : null,
                Quarter = by.Quarter ? (int?)((r.IdentifiedOn.Year * 10) + ((r.IdentifiedOn.Month + 2) / 3)) : null,
                Month = by.Month ? (int?)((r.IdentifiedOn.Year * 100) + r.IdentifiedOn.Month) : null,
                AgeBand = by.AgeBand ? (AgeBand?)r.AgeBand : null,
                Sex = by.Sex ? (Sex?)r.Sex : null,
                Nationality = by.Nationality ? r.Nationality : null,
                PopulationGroup = by.PopulationGroup ? (PopulationGroup?)r.PopulationGroup : null,
                ExploitationType = by.ExploitationType ? (ExploitationType?)r.ExploitationType : null,
                VictimStatus = by.VictimStatus ? (VictimStatus?)r.VictimStatus : null,
                IdentificationSource = by.IdentificationSource ? (IdentificationSource?)r.IdentificationSource : null,
            })
            .Select(g => new { g.Key, Count = g.Count(), KeySum = g.Sum(r => (long)r.CellKey) })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new GroupRow(
            r.Key.Province, r.Key.District, r.Key.Year, r.Key.Quarter, r.Key.Month, r.Key.AgeBand?.ToString(), r.Key.Sex?.ToString(), r.Key.Nationality, r.Key.PopulationGroup?.ToString(),
            r.Key.ExploitationType?.ToString(), r.Key.VictimStatus?.ToString(), r.Key.IdentificationSource?.ToString(), r.Count, r.KeySum)).ToList();
    }

    /// <summary>The same GROUP BY over a cube: sums of its counts and key sums, months kept whole.</summary>
    private static async Task<List<GroupRow>> GroupAsync(IQueryable<CaseCount> counts, IReadOnlyList<CaseDimension> groupBy, CancellationToken cancellationToken)
    {
        var by = new Grouping(groupBy);
        var rows = await counts
            .GroupBy(x => new
            {
                Province = by.Province ? x.ProvinceCode : null,
                District = by.District ? x.DistrictCode : null,
                Year = by.Year ? (int?)(x.MonthKey / 100) : null,
                Quarter = by.Quarter ? (int?)((x.MonthKey / 100 * 10) + ((x.MonthKey % 100) + 2) / 3) : null,
                Month = by.Month ? (int?)x.MonthKey : null,
                AgeBand = by.AgeBand ? x.AgeBand : null,
                Sex = by.Sex ? x.Sex : null,
                Nationality = by.Nationality ? x.Nationality : null,
                PopulationGroup = by.PopulationGroup ? x.PopulationGroup : null,
                ExploitationType = by.ExploitationType ? x.ExploitationType : null,
                VictimStatus = by.VictimStatus ? x.VictimStatus : null,
                IdentificationSource = by.IdentificationSource ? x.IdentificationSource : null,
            })
            .Select(g => new { g.Key, Count = g.Sum(x => x.Count), KeySum = g.Sum(x => x.KeySum) })
            .Where(g => g.Count > 0)
            .ToListAsync(cancellationToken);
        return rows.Select(r => new GroupRow(
            r.Key.Province, r.Key.District, r.Key.Year, r.Key.Quarter, r.Key.Month, r.Key.AgeBand, r.Key.Sex, r.Key.Nationality, r.Key.PopulationGroup,
            r.Key.ExploitationType, r.Key.VictimStatus, r.Key.IdentificationSource, r.Count, r.KeySum)).ToList();
    }

    /// <summary>Which columns a GROUP BY keys on.</summary>
    private sealed class Grouping(IReadOnlyList<CaseDimension> groupBy)
    {
        public bool Province { get; } = groupBy.Contains(CaseDimension.Province);
        public bool District { get; } = groupBy.Contains(CaseDimension.District);
        public bool Year { get; } = groupBy.Contains(CaseDimension.Year);
        public bool Quarter { get; } = groupBy.Contains(CaseDimension.Quarter);
        public bool Month { get; } = groupBy.Contains(CaseDimension.Month);
        public bool AgeBand { get; } = groupBy.Contains(CaseDimension.AgeBand);
        public bool Sex { get; } = groupBy.Contains(CaseDimension.Sex);
        public bool Nationality { get; } = groupBy.Contains(CaseDimension.Nationality);
        public bool PopulationGroup { get; } = groupBy.Contains(CaseDimension.PopulationGroup);
        public bool ExploitationType { get; } = groupBy.Contains(CaseDimension.ExploitationType);
        public bool VictimStatus { get; } = groupBy.Contains(CaseDimension.VictimStatus);
        public bool IdentificationSource { get; } = groupBy.Contains(CaseDimension.IdentificationSource);
    }

    /// <summary>A counted group (quarter as year * 10 + quarter, month as year * 100 + month), turned into a cell of the dimensions asked for.</summary>
    private sealed record GroupRow(string? Province, string? District, int? Year, int? Quarter, int? Month, string? AgeBand, string? Sex, string? Nationality, string? PopulationGroup, string? ExploitationType, string? VictimStatus, string? IdentificationSource, int Count, long KeySum)
    {
        public RawCell ToCell(IReadOnlyList<CaseDimension> groupBy) => new(groupBy.Select(Value).ToList(), Count, KeySum);

        private string Value(CaseDimension dimension) => dimension switch
        {
            CaseDimension.Province => Province ?? "",
            CaseDimension.District => District ?? "",
            CaseDimension.Year => Year?.ToString(CultureInfo.InvariantCulture) ?? "",
            CaseDimension.Quarter => Quarter is { } q ? $"{q / 10}-Q{q % 10}" : "",
            CaseDimension.Month => Month is { } m ? $"{m / 100}-{m % 100:00}" : "",
            CaseDimension.AgeBand => AgeBand ?? "",
            CaseDimension.Sex => Sex ?? "",
            CaseDimension.Nationality => Nationality ?? "",
            CaseDimension.PopulationGroup => PopulationGroup ?? "",
            CaseDimension.ExploitationType => ExploitationType ?? "",
            CaseDimension.VictimStatus => VictimStatus ?? "",
            _ => IdentificationSource ?? "",
        };
    }
}
