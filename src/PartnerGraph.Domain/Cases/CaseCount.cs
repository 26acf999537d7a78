namespace PartnerGraph.Domain.Cases;

/// <summary>
/// A row of a maintained aggregate ("cube") of case records: how many cases share
/// the values of the cube's dimensions in one month. The database keeps cubes exact in the same transaction as every
/// insert or delete of a case (triggers), so statistics can read thousands of rows instead of a million.
/// A dimension that is not part of the cube holds "" (or 0 for the month).
/// </summary>
public sealed class CaseCount
{
    public required string Cube { get; init; }
    public required string ProvinceCode { get; init; }
    public required string DistrictCode { get; init; }

    /// <summary>Year * 100 + month of identification, e.g. 202507.</summary>
    public required int MonthKey { get; init; }

    public required string AgeBand { get; init; }
    public required string Sex { get; init; }
    public required string Nationality { get; init; }
    public required string PopulationGroup { get; init; }
    public required string ExploitationType { get; init; }
    public required string VictimStatus { get; init; }
    public required string IdentificationSource { get; init; }
    public required int Count { get; init; }
}
