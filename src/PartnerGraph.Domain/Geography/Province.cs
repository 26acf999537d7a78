namespace PartnerGraph.Domain.Geography;

/// <summary>One of Thailand's 77 provinces (76 changwat and Bangkok).</summary>
public sealed class Province
{
    /// <summary>The Department of Provincial Administration's 2-digit code, e.g. "50".</summary>
    public required string Code { get; init; }

    /// <summary>ISO 3166-2:TH code, e.g. "TH-50".</summary>
    public required string IsoCode { get; init; }

    public required string NameTh { get; init; }
    public required string NameEn { get; init; }

    public List<District> Districts { get; init; } = [];
}
