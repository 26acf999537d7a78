namespace PartnerGraph.Domain.Organisations;

/// <summary>
/// Where an organisation may record cases and report programme coverage: the provinces it operates in, and anywhere
/// for a GOVERNMENT organisation (ATD, the provincial offices, the government shelters).
/// </summary>
public sealed record OperatingArea(OrganisationKind Kind, IReadOnlySet<string> ProvinceCodes)
{
    public static OperatingArea Of(Organisation organisation)
    {
        ArgumentNullException.ThrowIfNull(organisation);
        return new(organisation.Kind, organisation.Provinces.Select(p => p.ProvinceCode).ToHashSet(StringComparer.Ordinal));
    }

    public bool Includes(string provinceCode) => Kind == OrganisationKind.Government || ProvinceCodes.Contains(provinceCode);
}
