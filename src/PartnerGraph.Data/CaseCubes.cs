using PartnerGraph.Domain.Cases;

namespace PartnerGraph.Data;

/// <summary>
/// How finely a cube keeps time, finest first. A cube's MonthKey (year * 100 + month) is the first month of its
/// period: any month for a month cube; January, April, July or October for a quarter cube.
/// </summary>
public enum CubeGrain
{
    Month,
    Quarter,
}

/// <summary>
/// One maintained aggregate of the case records: its time grain and the dimensions it keeps (province and time
/// always, time as <see cref="CaseDimension.Month"/> whatever the grain: YEAR and QUARTER are read from MonthKey).
/// </summary>
public sealed record CaseCube(string Name, CubeGrain Grain, IReadOnlySet<CaseDimension> Dimensions)
{
    public bool Covers(IEnumerable<CaseDimension> needed) => needed.Select(StoredAs).All(Dimensions.Contains);

    /// <summary>The column a dimension is read from: every time dimension is read from the month.</summary>
    public static CaseDimension StoredAs(CaseDimension dimension) => dimension.IsTime() ? CaseDimension.Month : dimension;
}

/// <summary>
/// The cubes the database maintains (CaseCounts, kept by triggers written in the migrations), smallest first, so
/// that a table of statistics reads the first cube that holds every dimension it groups or filters by, at a time
/// grain it can use. Changing this list needs a migration that changes the triggers; a test compares every cube
/// with the case records.
/// </summary>
public static class CaseCubes
{
    /// <summary>
    /// SQL Server's trigger on the case records that keeps the cubes (SQLite has one for inserts and one for deletes):
    /// the model declares it so that EF Core writes to a table with a trigger the way SQL Server allows.
    /// </summary>
    public const string Trigger = "TR_CaseRecords_CaseCounts";

    public static readonly IReadOnlyList<CaseCube> All =
    [
        Cube("sex-quarter", CubeGrain.Quarter, CaseDimension.Sex),
        Cube("sex-month", CubeGrain.Month, CaseDimension.Sex),
        Cube("geo-month", CubeGrain.Month, CaseDimension.District),
        Cube("source-month", CubeGrain.Month, CaseDimension.IdentificationSource, CaseDimension.VictimStatus),
        Cube("exploitation-month", CubeGrain.Month, CaseDimension.ExploitationType, CaseDimension.VictimStatus),
        Cube("sex-age-month", CubeGrain.Month, CaseDimension.Sex, CaseDimension.AgeBand),
        Cube("origin-month", CubeGrain.Month, CaseDimension.Nationality, CaseDimension.PopulationGroup),
    ];

    /// <summary>
    /// The smallest cube holding every dimension needed whose grain is no coarser than <paramref name="coarsest"/>
    /// (a table that groups by month or counts part of a quarter can use only month cubes), or null when only the
    /// case records will do.
    /// </summary>
    public static CaseCube? For(IEnumerable<CaseDimension> needed, CubeGrain coarsest = CubeGrain.Month)
    {
        var list = needed.ToList();
        return All.FirstOrDefault(c => c.Grain <= coarsest && c.Covers(list));
    }

    private static CaseCube Cube(string name, CubeGrain grain, params CaseDimension[] dimensions) =>
        new(name, grain, new HashSet<CaseDimension>([CaseDimension.Province, CaseDimension.Month, .. dimensions]));
}
