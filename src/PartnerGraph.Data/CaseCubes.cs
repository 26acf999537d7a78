namespace PartnerGraph.Data;

/// <summary>A dimension of case statistics as the cubes store it.</summary>
public enum CubeDimension
{
    Province,
    District,
    Month,
    AgeBand,
    Sex,
    Nationality,
    PopulationGroup,
    ExploitationType,
    VictimStatus,
    IdentificationSource,
}

/// <summary>One maintained aggregate of the case records: the dimensions it keeps (province and month always).</summary>
public sealed record CaseCube(string Name, IReadOnlySet<CubeDimension> Dimensions)
{
    public bool Covers(IEnumerable<CubeDimension> needed) => needed.All(Dimensions.Contains);
}

/// <summary>
/// The cubes the database maintains (CaseCounts, kept by triggers written in the migrations), smallest first, so
/// that a table of statistics reads the first cube that holds every dimension it groups or filters by.
/// Changing this list needs a migration that changes the triggers; a test compares every cube with the case records.
/// </summary>
public static class CaseCubes
{
    public static readonly IReadOnlyList<CaseCube> All =
    [
        Cube("sex-month", CubeDimension.Sex),
        Cube("geo-month", CubeDimension.District),
        Cube("source-month", CubeDimension.IdentificationSource, CubeDimension.VictimStatus),
        Cube("exploitation-month", CubeDimension.ExploitationType, CubeDimension.VictimStatus),
        Cube("sex-age-month", CubeDimension.Sex, CubeDimension.AgeBand),
        Cube("origin-month", CubeDimension.Nationality, CubeDimension.PopulationGroup),
    ];

    /// <summary>The smallest cube holding every dimension needed, or null when only the case records will do.</summary>
    public static CaseCube? For(IEnumerable<CubeDimension> needed)
    {
        var list = needed.ToList();
        return All.FirstOrDefault(c => c.Covers(list));
    }

    private static CaseCube Cube(string name, params CubeDimension[] dimensions) =>
        new(name, new HashSet<CubeDimension>([CubeDimension.Province, CubeDimension.Month, .. dimensions]));
}
