using System.ComponentModel;

namespace PartnerGraph.Domain.Cases;

/// <summary>
/// What case statistics can be grouped or filtered by: the one list of the case records' dimensions, used by the
/// schema, the counting in the data layer and the cubes (which keep time as months: YEAR and QUARTER are read from
/// a month or quarter cube's MonthKey).
/// </summary>
public enum CaseDimension
{
    [Description("By province where the child was identified.")]
    Province,
    [Description("By district (implies PROVINCE; needs an agreement at DISTRICT level).")]
    District,
    [Description("By year identified.")]
    Year,
    [Description("By quarter identified (implies YEAR).")]
    Quarter,
    [Description("By month identified (implies YEAR).")]
    Month,
    [Description("By age band when identified.")]
    AgeBand,
    [Description("By sex.")]
    Sex,
    [Description("By nationality (ISO 3166-1 alpha-2).")]
    Nationality,
    [Description("By population group.")]
    PopulationGroup,
    [Description("By form of exploitation.")]
    ExploitationType,
    [Description("Victim or at risk.")]
    VictimStatus,
    [Description("By who identified the child.")]
    IdentificationSource,
}

public static class CaseDimensions
{
    /// <summary>Whether the dimension is a time dimension (YEAR, QUARTER or MONTH).</summary>
    public static bool IsTime(this CaseDimension dimension) => dimension is CaseDimension.Year or CaseDimension.Quarter or CaseDimension.Month;
}
