using System.ComponentModel;

namespace PartnerGraph.Domain.Organisations;

/// <summary>A partner organisation: a government body, an NGO, an international agency or a foreign counterpart.</summary>
public sealed class Organisation
{
    /// <summary>Stable slug, e.g. "atd" or "wvft".</summary>
    public required string Id { get; init; }

    public required string NameTh { get; set; }
    public required string NameEn { get; set; }
    public required OrganisationKind Kind { get; set; }

    /// <summary>ISO 3166-1 alpha-2 country code.</summary>
    public required string Country { get; set; }

    public List<OrganisationProvince> Provinces { get; init; } = [];

    /// <summary>The organisation's privacy-loss budget per quarter in micro-rho; null: Statistics:Privacy:RhoPerQuarter.</summary>
    public long? PrivacyBudgetMicroRho { get; set; }
}

/// <summary>A province an organisation operates in.</summary>
public sealed class OrganisationProvince
{
    public required string OrganisationId { get; init; }
    public required string ProvinceCode { get; init; }
}

public enum OrganisationKind
{
    [Description("A Thai government agency.")]
    Government,
    [Description("A non-governmental organisation.")]
    Ngo,
    [Description("An international organisation (a UN agency, for example).")]
    International,
    [Description("A neighbouring country's government agency (transnational referrals).")]
    ForeignGovernment,
}
