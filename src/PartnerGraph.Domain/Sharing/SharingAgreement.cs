using System.ComponentModel;

namespace PartnerGraph.Domain.Sharing;

/// <summary>Which datasets an organisation may see, at which granularity, for which provinces, from when until when.</summary>
public sealed class SharingAgreement
{
    public long Id { get; init; }
    public required string OrganisationId { get; init; }
    public required SharedDatasets Datasets { get; set; }
    public required GeographicLevel Granularity { get; set; }

    /// <summary>DOPA codes of the provinces covered; empty means the whole country.</summary>
    public List<string> ProvinceCodes { get; init; } = [];

    public required DateOnly ValidFrom { get; set; }
    public required DateOnly ValidTo { get; set; }

    public bool IsInForceOn(DateOnly day) => ValidFrom <= day && day <= ValidTo;
}

[Flags]
public enum SharedDatasets
{
    None = 0,
    Statistics = 1,
    Referrals = 2,
    Coverage = 4,
}

public enum GeographicLevel
{
    [Description("The whole country: no breakdown by place.")]
    National,
    [Description("By province (ISO 3166-2:TH code).")]
    Province,
    [Description("By district (4-digit code); the finest level an agreement may allow.")]
    District,
}
