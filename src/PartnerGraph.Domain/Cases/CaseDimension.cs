namespace PartnerGraph.Domain.Cases;

/// <summary>
/// What case statistics can be grouped or filtered by: the one list of the case records' dimensions, used by the
/// schema, the counting in the data layer and the cubes (which keep time as months: YEAR and QUARTER are read from
/// a month or quarter cube's MonthKey).
/// </summary>
public enum CaseDimension
{
    Province,
    District,
    Year,
    Quarter,
    Month,
    AgeBand,
    Sex,
    Nationality,
    PopulationGroup,
    ExploitationType,
    VictimStatus,
    IdentificationSource,
}

public static class CaseDimensions
{
    /// <summary>Whether the dimension is a time dimension (YEAR, QUARTER or MONTH).</summary>
    public static bool IsTime(this CaseDimension dimension) => dimension is CaseDimension.Year or CaseDimension.Quarter or CaseDimension.Month;
}
