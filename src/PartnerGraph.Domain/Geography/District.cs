namespace PartnerGraph.Domain.Geography;

/// <summary>A district (amphoe, or khet in Bangkok) with its 4-digit DOPA code, e.g. "5001".</summary>
public sealed class District
{
    public required string Code { get; init; }
    public required string ProvinceCode { get; init; }
    public required string NameTh { get; init; }
    public required string NameEn { get; init; }

    public Province? Province { get; init; }
}
