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
        c.Request().Disclosure.AddCellsSuppressed(protectedTable.Report.PrimarySuppressed + protectedTable.Report.SecondarySuppressed);
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
        var provinces = filter.Provinces?.Select(p => Geography.GeographyQueries.Find(geography, p, "filter.provinces").Code).Distinct().ToList();
        var districts = filter.Districts?.Select(d => geography.District(d)?.Code
            ?? throw new UserError(ErrorCodes.UnknownDistrict, "filter.districts holds a code that names no district. A district code has 4 digits, e.g. 5001; a province's districts field lists them.")).Distinct().ToList();

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
        var cells = cube is null
            ? (await GroupAsync(Filter(db.CaseRecords, filter, period, provinces, districts, agreement.Provinces), groupBy, c.CancellationToken)).Select(row => row.ToCell(groupBy)).ToList()
            : await CubeCellsAsync(db, cube, filter, period, provinces, districts, agreement.Provinces, groupBy, c.CancellationToken);
        cells.Sort(CompareJoinedKeys);
        long count = 0, keySum = 0;
        foreach (var cell in cells)
        {
            count += cell.Count;
            keySum += cell.KeySum;
        }

        return new CountedTable(cells, new RawCell([], checked((int)count), keySum));
    }

    /// <summary>
    /// Orders keys as their values joined by U+001F would order ordinally (the order tables have always come in),
    /// without building the joined strings.
    /// </summary>
    internal static int CompareJoinedKeys(RawCell x, RawCell y)
    {
        IReadOnlyList<string> a = x.Key, b = y.Key;
        int part = 0, i = 0, otherPart = 0, j = 0;
        while (true)
        {
            var ca = Next(a, ref part, ref i);
            var cb = Next(b, ref otherPart, ref j);
            if (ca != cb || ca < 0)
            {
                return ca.CompareTo(cb);
            }
        }

        // The next character of the joined key, -1 at its end.
        static int Next(IReadOnlyList<string> key, ref int part, ref int index)
        {
            if (part >= key.Count)
            {
                return -1;
            }

            if (index < key[part].Length)
            {
                return key[part][index++];
            }

            if (part == key.Count - 1)
            {
                part++;
                return -1;
            }

            part++;
            index = 0;
            return '\u001f';
        }
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
    /// A quarter cube serves only a table that does not group by month and whose period, if any, is whole quarters.
    /// </summary>
    internal static CaseCube? PlanCube(CaseStatisticsFilter filter, Period? period, List<string>? districts, IReadOnlyList<CaseDimension> groupBy)
    {
        if (period is not null && !(period.From.Day == 1 && IsLastDayOfMonth(period.To)))
        {
            return null;
        }

        var wholeQuarters = period is null || (period.From.Month % 3 == 1 && period.To.Month % 3 == 0);
        var coarsest = wholeQuarters && !groupBy.Contains(CaseDimension.Month) ? CubeGrain.Quarter : CubeGrain.Month;

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
        return CaseCubes.For(needed, coarsest);
    }

    private static bool IsLastDayOfMonth(DateOnly day) => day.Day == DateTime.DaysInMonth(day.Year, day.Month);

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

    /// <summary>
    /// The GROUP BY over a cube with a plain ADO.NET reader: only the columns grouped by and the two sums come back,
    /// straight into cells, with the values the case records' GROUP BY gives (the tests compare the two). The SQL
    /// is the same for SQLite and SQL Server.
    /// </summary>
    private static async Task<List<RawCell>> CubeCellsAsync(PartnerGraphDbContext db, CaseCube cube, CaseStatisticsFilter filter, Period? period, List<string>? provinces, List<string>? districts, IReadOnlySet<string>? allowed, IReadOnlyList<CaseDimension> groupBy, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            var where = new List<string> { $"\"Cube\" = {Parameter(command, cube.Name)}" };
            // A quarter cube's rows are keyed by the quarter's first month; the plan gives it only whole quarters, so
            // these bounds (the period's first and last months) take exactly the quarters of the period.
            if (period is not null)
            {
                where.Add($"\"MonthKey\" >= {Parameter(command, (period.From.Year * 100) + period.From.Month)}");
                where.Add($"\"MonthKey\" <= {Parameter(command, (period.To.Year * 100) + period.To.Month)}");
            }

            void In(string column, IEnumerable<string>? values, bool always = false)
            {
                var list = values?.ToList();
                if (list is null || (list.Count == 0 && !always))
                {
                    return;
                }

                where.Add(list.Count == 0 ? "1 = 0" : $"\"{column}\" IN ({string.Join(", ", list.Select(v => Parameter(command, v)))})");
            }

            In("ProvinceCode", allowed, always: true);
            In("ProvinceCode", provinces);
            In("DistrictCode", districts);
            In("AgeBand", filter.AgeBands?.Select(v => v.ToString()));
            In("Sex", filter.Sexes?.Select(v => v.ToString()));
            In("Nationality", filter.Nationalities?.Select(n => n.ToUpperInvariant()));
            In("PopulationGroup", filter.PopulationGroups?.Select(v => v.ToString()));
            In("ExploitationType", filter.ExploitationTypes?.Select(v => v.ToString()));
            In("VictimStatus", filter.VictimStatuses?.Select(v => v.ToString()));
            In("IdentificationSource", filter.IdentificationSources?.Select(v => v.ToString()));

            var columns = groupBy.Select(CubeColumn).ToList();
            var select = string.Concat(columns.Select(column => column + ", "));
            command.CommandText = IsRowPerCell(cube, groupBy)
                ? $"SELECT {select}\"Count\", \"KeySum\" FROM \"CaseCounts\" WHERE {string.Join(" AND ", where)}"
                : $"SELECT {select}SUM(\"Count\"), SUM(\"KeySum\") FROM \"CaseCounts\" WHERE {string.Join(" AND ", where)}"
                    + (columns.Count > 0 ? $" GROUP BY {string.Join(", ", columns)}" : "");

            var cells = new List<RawCell>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                // Zero rows summed (no GROUP BY) give NULL; rows whose cases were all deleted sum to 0.
                var count = reader.IsDBNull(columns.Count) ? 0 : Convert.ToInt64(reader.GetValue(columns.Count), CultureInfo.InvariantCulture);
                if (count <= 0)
                {
                    continue;
                }

                var key = new string[columns.Count];
                for (var i = 0; i < key.Length; i++)
                {
                    key[i] = groupBy[i] switch
                    {
                        CaseDimension.Year => Convert.ToInt32(reader.GetValue(i), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
                        CaseDimension.Quarter => Convert.ToInt32(reader.GetValue(i), CultureInfo.InvariantCulture) is var q ? $"{q / 10}-Q{q % 10}" : "",
                        CaseDimension.Month => Convert.ToInt32(reader.GetValue(i), CultureInfo.InvariantCulture) is var m ? $"{m / 100}-{m % 100:00}" : "",
                        _ => reader.GetString(i),
                    };
                }

                cells.Add(new RawCell(key, checked((int)count), Convert.ToInt64(reader.GetValue(columns.Count + 1), CultureInfo.InvariantCulture)));
            }

            return cells;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// Whether the table groups by every dimension the cube keeps, time at the cube's own grain: then each cube row is
    /// a cell of its own, and the rows are read as they lie, in key order, with no GROUP BY (SQLite would sort them).
    /// </summary>
    internal static bool IsRowPerCell(CaseCube cube, IReadOnlyList<CaseDimension> groupBy)
    {
        var time = cube.Grain == CubeGrain.Quarter ? CaseDimension.Quarter : CaseDimension.Month;
        var grouped = groupBy.Select(ToCube).ToHashSet();
        return groupBy.Contains(time) && cube.Dimensions.All(grouped.Contains);
    }

    private static string Parameter(System.Data.Common.DbCommand command, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = $"@p{command.Parameters.Count}";
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter.ParameterName;
    }

    /// <summary>
    /// The cube column (or expression over MonthKey) a dimension groups by. YEAR and QUARTER come out right from a
    /// quarter cube's MonthKey too (its quarter's first month); MONTH is planned only from month cubes.
    /// </summary>
    private static string CubeColumn(CaseDimension dimension) => dimension switch
    {
        CaseDimension.Province => "\"ProvinceCode\"",
        CaseDimension.District => "\"DistrictCode\"",
        CaseDimension.Year => "(\"MonthKey\" / 100)",
        CaseDimension.Quarter => "((\"MonthKey\" / 100) * 10 + (\"MonthKey\" % 100 + 2) / 3)",
        CaseDimension.Month => "\"MonthKey\"",
        CaseDimension.AgeBand => "\"AgeBand\"",
        CaseDimension.Sex => "\"Sex\"",
        CaseDimension.Nationality => "\"Nationality\"",
        CaseDimension.PopulationGroup => "\"PopulationGroup\"",
        CaseDimension.ExploitationType => "\"ExploitationType\"",
        CaseDimension.VictimStatus => "\"VictimStatus\"",
        _ => "\"IdentificationSource\"",
    };

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
