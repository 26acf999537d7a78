using System.Globalization;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Domain.Cases;

namespace PartnerGraph.Data.Statistics;

/// <summary>
/// Counts the case records a <see cref="CaseQuestion"/> asks about, grouped in the database: from the smallest
/// maintained cube that holds every dimension the question groups or filters by, or from the case records. These are
/// the true counts: they never leave the server except through <c>PrivacyRelease</c>'s noise.
/// </summary>
public static class CaseCounter
{
    /// <summary>Joins the values of a cell's dimensions into one key.</summary>
    public const char Separator = '\u001f';

    /// <summary>The true count of every non-empty cell, keyed by its values (in GroupBy order) joined by <see cref="Separator"/>.</summary>
    public static async Task<Dictionary<string, long>> CountAsync(PartnerGraphDbContext db, CaseQuestion question, bool useCubes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(question);
        var cube = useCubes ? PlanCube(question) : null;
        return cube is null ? await GroupAsync(db, question, cancellationToken) : await CubeCellsAsync(db, cube, question, cancellationToken);
    }

    /// <summary>How a time dimension's value is written: "2025", "2025-Q3", "2025-07".</summary>
    public static string TimeValue(CaseDimension dimension, int year, int month) => dimension switch
    {
        CaseDimension.Year => year.ToString(CultureInfo.InvariantCulture),
        CaseDimension.Quarter => string.Create(CultureInfo.InvariantCulture, $"{year}-Q{((month - 1) / 3) + 1}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{year}-{month:00}"),
    };

    /// <summary>
    /// The smallest maintained cube that holds every dimension the question groups or filters by, or null when only the
    /// case records will do (a dimension no cube keeps, or a period that does not start and end on whole months).
    /// A quarter cube serves only a question that does not group by month and whose period is whole quarters.
    /// </summary>
    public static CaseCube? PlanCube(CaseQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        if (!question.WholeMonths)
        {
            return null;
        }

        var coarsest = question.WholeQuarters && !question.GroupBy.Contains(CaseDimension.Month) ? CubeGrain.Quarter : CubeGrain.Month;
        return CaseCubes.For(question.GroupBy.Concat(NarrowingFilters(question).Select(f => f.Key)), coarsest);
    }

    /// <summary>
    /// The filters that leave some cases out. A filter listing every value of a coded dimension (every age band, say)
    /// selects every case, since each record holds one of its codes: the count is the same without it, so no cube
    /// needs to keep that dimension for it (every age band read from the age cube took twice the quarter cube's time
    /// at ten million cases). Only where the exact counts are read from changes: the question, and so its key, its
    /// charge, its noise and its stored answer, stays the one asked.
    /// </summary>
    public static IEnumerable<KeyValuePair<CaseDimension, IReadOnlyList<string>>> NarrowingFilters(CaseQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);
        return question.Filters.Where(f => !SelectsEveryCase(f.Key, f.Value));
    }

    private static bool SelectsEveryCase(CaseDimension dimension, IReadOnlyList<string> values) => dimension switch
    {
        CaseDimension.AgeBand => ListsEvery<AgeBand>(values),
        CaseDimension.Sex => ListsEvery<Sex>(values),
        CaseDimension.PopulationGroup => ListsEvery<PopulationGroup>(values),
        CaseDimension.ExploitationType => ListsEvery<ExploitationType>(values),
        CaseDimension.VictimStatus => ListsEvery<VictimStatus>(values),
        CaseDimension.IdentificationSource => ListsEvery<IdentificationSource>(values),
        _ => false,
    };

    private static bool ListsEvery<T>(IReadOnlyList<string> values)
        where T : struct, Enum => Enum.GetNames<T>().All(name => values.Contains(name, StringComparer.Ordinal));

    /// <summary>
    /// Whether the question groups by every dimension the cube keeps, time at the cube's own grain: then each cube row
    /// is a cell of its own, and the rows are read as they lie, with no GROUP BY (SQLite would sort them).
    /// </summary>
    public static bool IsRowPerCell(CaseCube cube, IReadOnlyList<CaseDimension> groupBy)
    {
        ArgumentNullException.ThrowIfNull(cube);
        var time = cube.Grain == CubeGrain.Quarter ? CaseDimension.Quarter : CaseDimension.Month;
        var grouped = groupBy.Select(CaseCube.StoredAs).ToHashSet();
        return groupBy.Contains(time) && cube.Dimensions.All(grouped.Contains);
    }

    /// <summary>
    /// The GROUP BY over a cube with a plain ADO.NET reader: only the columns grouped by and the sum come back. The
    /// SQL is the same for SQLite and SQL Server; every value is a parameter.
    /// </summary>
    private static async Task<Dictionary<string, long>> CubeCellsAsync(PartnerGraphDbContext db, CaseCube cube, CaseQuestion question, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            var where = new List<string> { $"\"Cube\" = {Parameter(command, cube.Name)}" };
            // A quarter cube's rows are keyed by the quarter's first month; the plan gives it only whole quarters, so
            // these bounds (the period's first and last months) take exactly the quarters of the period.
            where.Add($"\"MonthKey\" >= {Parameter(command, (question.From.Year * 100) + question.From.Month)}");
            where.Add($"\"MonthKey\" <= {Parameter(command, (question.To.Year * 100) + question.To.Month)}");

            void In(string column, IReadOnlyList<string> values) =>
                where.Add(values.Count == 0 ? "1 = 0" : $"\"{column}\" IN ({string.Join(", ", values.Select(v => Parameter(command, v)))})");

            if (question.AllowedProvinces is { } allowed)
            {
                In("ProvinceCode", allowed);
            }

            foreach (var (dimension, values) in NarrowingFilters(question))
            {
                In(Column(dimension), values);
            }

            var columns = question.GroupBy.Select(CubeColumn).ToList();
            var select = string.Concat(columns.Select(column => column + ", "));
            command.CommandText = IsRowPerCell(cube, question.GroupBy)
                ? $"SELECT {select}\"Count\" FROM \"CaseCounts\" WHERE {string.Join(" AND ", where)}"
                : $"SELECT {select}SUM(\"Count\") FROM \"CaseCounts\" WHERE {string.Join(" AND ", where)}"
                    + (columns.Count > 0 ? $" GROUP BY {string.Join(", ", columns)}" : "");

            var cells = new Dictionary<string, long>(StringComparer.Ordinal);
            var key = new string[columns.Count];
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                // Zero rows summed (no GROUP BY) give NULL; rows whose cases were all deleted sum to 0.
                var count = reader.IsDBNull(columns.Count) ? 0 : Convert.ToInt64(reader.GetValue(columns.Count), CultureInfo.InvariantCulture);
                if (count <= 0)
                {
                    continue;
                }

                for (var i = 0; i < key.Length; i++)
                {
                    var dimension = question.GroupBy[i];
                    if (dimension.IsTime())
                    {
                        var monthKey = Convert.ToInt32(reader.GetValue(i), CultureInfo.InvariantCulture);
                        key[i] = TimeValue(dimension, monthKey / 100, dimension == CaseDimension.Month ? monthKey % 100 : MonthOf(dimension, monthKey));
                    }
                    else
                    {
                        key[i] = reader.GetString(i);
                    }
                }

                cells[string.Join(Separator, key)] = count;
            }

            return cells;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        // The SELECT gives YEAR as year * 100 + 1 and QUARTER as year * 100 + its first month, so that one parse serves all.
        static int MonthOf(CaseDimension dimension, int monthKey) => dimension == CaseDimension.Year ? 1 : monthKey % 100;
    }

    private static string Parameter(System.Data.Common.DbCommand command, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = $"@p{command.Parameters.Count}";
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter.ParameterName;
    }

    private static string Column(CaseDimension dimension) => dimension switch
    {
        CaseDimension.Province => "ProvinceCode",
        CaseDimension.District => "DistrictCode",
        CaseDimension.Year or CaseDimension.Quarter or CaseDimension.Month => "MonthKey",
        _ => dimension.ToString(),
    };

    /// <summary>
    /// The cube column or expression a dimension groups by, as year * 100 + month for every time dimension: YEAR as
    /// its January, QUARTER as its first month (which a quarter cube's MonthKey already is).
    /// </summary>
    private static string CubeColumn(CaseDimension dimension) => dimension switch
    {
        CaseDimension.Year => "((\"MonthKey\" / 100) * 100 + 1)",
        CaseDimension.Quarter => "((\"MonthKey\" / 100) * 100 + ((\"MonthKey\" % 100 - 1) / 3) * 3 + 1)",
        _ => $"\"{Column(dimension)}\"",
    };

    /// <summary>One GROUP BY over the case records; a dimension not asked for groups as a constant null.</summary>
    private static async Task<Dictionary<string, long>> GroupAsync(PartnerGraphDbContext db, CaseQuestion question, CancellationToken cancellationToken)
    {
        var by = question.GroupBy.ToHashSet();
        bool Has(CaseDimension d) => by.Contains(d);
        var province = Has(CaseDimension.Province);
        var district = Has(CaseDimension.District);
        var year = Has(CaseDimension.Year);
        var quarter = Has(CaseDimension.Quarter);
        var month = Has(CaseDimension.Month);
        var ageBand = Has(CaseDimension.AgeBand);
        var sex = Has(CaseDimension.Sex);
        var nationality = Has(CaseDimension.Nationality);
        var group = Has(CaseDimension.PopulationGroup);
        var exploitation = Has(CaseDimension.ExploitationType);
        var victim = Has(CaseDimension.VictimStatus);
        var source = Has(CaseDimension.IdentificationSource);
        var rows = await Filter(db.CaseRecords, question)
            .GroupBy(r => new
            {
                Province = province ? r.ProvinceCode : null,
                District = district ? r.DistrictCode ?? "" : null,
                Year = year || quarter || month ? (int?)r.IdentifiedOn.Year : null,
                Month = quarter || month ? (int?)r.IdentifiedOn.Month : null,
                AgeBand = ageBand ? (AgeBand?)r.AgeBand : null,
                Sex = sex ? (Sex?)r.Sex : null,
                Nationality = nationality ? r.Nationality : null,
                PopulationGroup = group ? (PopulationGroup?)r.PopulationGroup : null,
                ExploitationType = exploitation ? (ExploitationType?)r.ExploitationType : null,
                VictimStatus = victim ? (VictimStatus?)r.VictimStatus : null,
                IdentificationSource = source ? (IdentificationSource?)r.IdentificationSource : null,
            })
            .Select(g => new { g.Key, Count = g.LongCount() })
            .ToListAsync(cancellationToken);

        var cells = new Dictionary<string, long>(StringComparer.Ordinal);
        var key = new string[question.GroupBy.Count];
        foreach (var row in rows)
        {
            for (var i = 0; i < key.Length; i++)
            {
                var k = row.Key;
                var dimension = question.GroupBy[i];
                key[i] = dimension switch
                {
                    CaseDimension.Province => k.Province!,
                    CaseDimension.District => k.District!,
                    CaseDimension.Year or CaseDimension.Quarter or CaseDimension.Month => TimeValue(dimension, k.Year!.Value, k.Month ?? 1),
                    CaseDimension.AgeBand => k.AgeBand!.Value.ToString(),
                    CaseDimension.Sex => k.Sex!.Value.ToString(),
                    CaseDimension.Nationality => k.Nationality!,
                    CaseDimension.PopulationGroup => k.PopulationGroup!.Value.ToString(),
                    CaseDimension.ExploitationType => k.ExploitationType!.Value.ToString(),
                    CaseDimension.VictimStatus => k.VictimStatus!.Value.ToString(),
                    _ => k.IdentificationSource!.Value.ToString(),
                };
            }

            // Months of one quarter (or year) are separate groups here; they add up to the cell.
            var joined = string.Join(Separator, key);
            cells[joined] = cells.GetValueOrDefault(joined) + row.Count;
        }

        return cells;
    }

    private static IQueryable<CaseRecord> Filter(IQueryable<CaseRecord> cases, CaseQuestion question)
    {
        var from = question.From;
        var to = question.To;
        cases = cases.Where(r => r.IdentifiedOn >= from && r.IdentifiedOn <= to);
        if (question.AllowedProvinces is { } allowed)
        {
            var list = allowed.ToList();
            cases = cases.Where(r => list.Contains(r.ProvinceCode));
        }

        foreach (var (dimension, values) in question.Filters)
        {
            var list = values.ToList();
            cases = dimension switch
            {
                CaseDimension.Province => cases.Where(r => list.Contains(r.ProvinceCode)),
                CaseDimension.District => cases.Where(r => r.DistrictCode != null && list.Contains(r.DistrictCode)),
                CaseDimension.AgeBand => Enums<AgeBand>(list) is var e ? cases.Where(r => e.Contains(r.AgeBand)) : cases,
                CaseDimension.Sex => Enums<Sex>(list) is var e ? cases.Where(r => e.Contains(r.Sex)) : cases,
                CaseDimension.Nationality => cases.Where(r => list.Contains(r.Nationality)),
                CaseDimension.PopulationGroup => Enums<PopulationGroup>(list) is var e ? cases.Where(r => e.Contains(r.PopulationGroup)) : cases,
                CaseDimension.ExploitationType => Enums<ExploitationType>(list) is var e ? cases.Where(r => e.Contains(r.ExploitationType)) : cases,
                CaseDimension.VictimStatus => Enums<VictimStatus>(list) is var e ? cases.Where(r => e.Contains(r.VictimStatus)) : cases,
                CaseDimension.IdentificationSource => Enums<IdentificationSource>(list) is var e ? cases.Where(r => e.Contains(r.IdentificationSource)) : cases,
                _ => throw new ArgumentException($"{dimension} is not a filter dimension.", nameof(question)),
            };
        }

        return cases;

        static List<T> Enums<T>(List<string> names)
            where T : struct, Enum => names.Select(Enum.Parse<T>).ToList();
    }
}
