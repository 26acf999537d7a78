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
    National,
    Province,
    District,
}
