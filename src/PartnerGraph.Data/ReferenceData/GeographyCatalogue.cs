using PartnerGraph.Domain.Geography;

namespace PartnerGraph.Data.ReferenceData;

/// <summary>
/// The shipped geography held in memory: it never changes while the server runs, so reading it costs no query.
/// The database holds the same rows, for the foreign keys of cases and reports.
/// </summary>
public sealed class GeographyCatalogue
{
    private readonly Dictionary<string, Province> provincesByCode;
    private readonly Dictionary<string, District> districtsByCode;

    public GeographyCatalogue()
    {
        var districts = Geography.ReadDistricts();
        Provinces = Geography.ReadProvinces()
            .Select(p => new Province { Code = p.Code, IsoCode = p.IsoCode, NameTh = p.NameTh, NameEn = p.NameEn, Districts = districts.Where(d => d.ProvinceCode == p.Code).ToList() })
            .OrderBy(p => p.Code, StringComparer.Ordinal)
            .ToList();
        provincesByCode = Provinces.ToDictionary(p => p.Code);
        districtsByCode = districts.ToDictionary(d => d.Code);
    }

    public IReadOnlyList<Province> Provinces { get; }

    public Province? Province(string dopaCode) => provincesByCode.GetValueOrDefault(dopaCode);

    public District? District(string code) => districtsByCode.GetValueOrDefault(code);
}
