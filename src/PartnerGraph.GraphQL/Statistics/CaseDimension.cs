namespace PartnerGraph.GraphQL.Statistics;

/// <summary>What case statistics can be grouped by.</summary>
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
