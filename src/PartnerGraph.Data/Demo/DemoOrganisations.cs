using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Domain.Sharing;

namespace PartnerGraph.Data.Demo;

/// <summary>The slugs of the demo organisations that other code and tests name.</summary>
public static class DemoOrganisationIds
{
    public const string Atd = "atd";
    public const string Wvft = "wvft";
    public const string ChiangMaiProvincialOffice = "pso-chiang-mai";
    public const string KredtrakarnShelter = "shelter-kredtrakarn";
    public const string MekongChildRights = "mekong-child-rights";
    public const string BorderChildrenFoundation = "border-children-foundation";
    public const string CoastalMigrantChildren = "coastal-migrant-children";

    /// <summary>An NGO whose sharing agreement ended on 2025-06-30.</summary>
    public const string OnlineSafetyKids = "online-safety-kids";

    public const string RegionalMigrationOffice = "regional-migration-office";
    public const string MyanmarSocialWelfare = "mm-dsw";
}

/// <summary>
/// The demo partners. ATD, World Vision Foundation of Thailand, the provincial social development offices and
/// Ban Kredtrakarn are real institutions the design brief names; every other name is fictional, and no name is a person's.
/// </summary>
internal static class DemoOrganisations
{
    /// <summary>The provinces with a provincial office of social development and human security among the partners, by slug.</summary>
    public static readonly IReadOnlyList<(string Id, string ProvinceCode)> ProvincialOffices =
    [
        (DemoOrganisationIds.ChiangMaiProvincialOffice, "50"), ("pso-chiang-rai", "57"), ("pso-tak", "63"),
        ("pso-sa-kaeo", "27"), ("pso-songkhla", "90"), ("pso-nong-khai", "43"),
    ];

    /// <summary>Regional NGOs that between them cover each of the 35 provinces exactly once: the local partners of the prevention programmes.</summary>
    public static readonly IReadOnlyList<(string Id, string[] ProvinceCodes)> RegionalNgos =
    [
        (DemoOrganisationIds.BorderChildrenFoundation, ["50", "55", "56", "57", "58", "63", "70", "71"]),
        (DemoOrganisationIds.MekongChildRights, ["31", "32", "33", "34", "38", "40", "41", "42", "43", "48", "49"]),
        (DemoOrganisationIds.CoastalMigrantChildren, ["10", "11", "12", "20", "22", "23", "27", "74", "77", "80", "83", "85", "90", "91", "95", "96"]),
    ];

    /// <summary>Counterparts of the transnational referral mechanism, by the country they serve.</summary>
    public static readonly IReadOnlyDictionary<string, string> ForeignCounterparts = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [DemoProvinces.Myanmar] = DemoOrganisationIds.MyanmarSocialWelfare,
        [DemoProvinces.Cambodia] = "kh-mosvy",
        [DemoProvinces.Laos] = "la-mlsw",
        [DemoProvinces.Malaysia] = "my-kpwkm",
        [DemoProvinces.VietNam] = "vn-molisa",
    };

    public static readonly IReadOnlyList<string> Shelters =
        [DemoOrganisationIds.KredtrakarnShelter, "shelter-northern-children", "shelter-southern-children"];

    public static List<Organisation> Create()
    {
        var provinceNames = Geography.ReadProvinces().ToDictionary(p => p.Code, p => (p.NameTh, p.NameEn), StringComparer.Ordinal);
        var organisations = new List<Organisation>
        {
            Thai(DemoOrganisationIds.Atd, "กองต่อต้านการค้ามนุษย์ กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์",
                "Anti-Human Trafficking Division, Ministry of Social Development and Human Security", OrganisationKind.Government, DemoProvinces.Codes),
            Thai(DemoOrganisationIds.Wvft, "มูลนิธิศุภนิมิตแห่งประเทศไทย", "World Vision Foundation of Thailand", OrganisationKind.Ngo, DemoProvinces.Codes),
        };

        foreach (var (id, provinceCode) in ProvincialOffices)
        {
            var (nameTh, nameEn) = provinceNames[provinceCode];
            organisations.Add(Thai(id, "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัด" + nameTh,
                "Provincial Office of Social Development and Human Security, " + nameEn, OrganisationKind.Government, [provinceCode]));
        }

        organisations.AddRange(
        [
            Thai(DemoOrganisationIds.KredtrakarnShelter, "สถานคุ้มครองและพัฒนาอาชีพบ้านเกร็ดตระการ",
                "Ban Kredtrakarn Protection and Occupational Development Centre", OrganisationKind.Government, ["12"]),
            Thai("shelter-northern-children", "ศูนย์คุ้มครองเด็กภาคเหนือ", "Northern Children's Protection Centre", OrganisationKind.Government, ["50", "57", "58"]),
            Thai("shelter-southern-children", "ศูนย์คุ้มครองเด็กภาคใต้", "Southern Children's Protection Centre", OrganisationKind.Government, ["90", "91", "95", "96"]),
            Thai(DemoOrganisationIds.BorderChildrenFoundation, "มูลนิธิเด็กชายแดน", "Border Children Foundation", OrganisationKind.Ngo, RegionalNgos[0].ProvinceCodes),
            Thai(DemoOrganisationIds.MekongChildRights, "เครือข่ายสิทธิเด็กลุ่มน้ำโขง", "Mekong Child Rights Network", OrganisationKind.Ngo, RegionalNgos[1].ProvinceCodes),
            Thai(DemoOrganisationIds.CoastalMigrantChildren, "สมาคมเด็กข้ามชาติชายฝั่ง", "Coastal Migrant Children Association", OrganisationKind.Ngo, RegionalNgos[2].ProvinceCodes),
            Thai(DemoOrganisationIds.OnlineSafetyKids, "เครือข่ายเด็กปลอดภัยออนไลน์", "Online Safety for Kids Network", OrganisationKind.Ngo, ["10", "12", "40", "50"]),
            Thai(DemoOrganisationIds.RegionalMigrationOffice, "สำนักงานการย้ายถิ่นระดับภูมิภาค", "Regional Migration Office", OrganisationKind.International, ["10", "27", "63"]),
            Foreign(DemoOrganisationIds.MyanmarSocialWelfare, DemoProvinces.Myanmar, "กรมสวัสดิการสังคม เมียนมา", "Department of Social Welfare, Myanmar"),
            Foreign("kh-mosvy", DemoProvinces.Cambodia, "กระทรวงกิจการสังคม ทหารผ่านศึก และการฟื้นฟูเยาวชน กัมพูชา",
                "Ministry of Social Affairs, Veterans and Youth Rehabilitation, Cambodia"),
            Foreign("la-mlsw", DemoProvinces.Laos, "กระทรวงแรงงานและสวัสดิการสังคม สปป.ลาว", "Ministry of Labour and Social Welfare, Lao PDR"),
            Foreign("my-kpwkm", DemoProvinces.Malaysia, "กระทรวงสตรี ครอบครัว และการพัฒนาชุมชน มาเลเซีย", "Ministry of Women, Family and Community Development, Malaysia"),
            Foreign("vn-molisa", DemoProvinces.VietNam, "กระทรวงแรงงาน ผู้พิการ และกิจการสังคม เวียดนาม", "Ministry of Labour, Invalids and Social Affairs, Viet Nam"),
        ]);
        return organisations;
    }

    /// <summary>
    /// Who may see what:
    /// atd: statistics, referrals and coverage at DISTRICT for the whole country, 2017-01-01 to 2030-12-31;
    /// wvft: statistics, referrals and coverage at DISTRICT for its 35 provinces;
    /// each provincial office: statistics and referrals at DISTRICT for its own province;
    /// the three regional NGOs: statistics at PROVINCE for their provinces;
    /// online-safety-kids: statistics at PROVINCE for its provinces, EXPIRED on 2025-06-30;
    /// the shelters and the foreign counterparts: referrals only, NATIONAL (they see only referrals they are party to);
    /// regional-migration-office: statistics at NATIONAL for the whole country.
    /// </summary>
    public static List<SharingAgreement> Agreements(IReadOnlyList<Organisation> organisations)
    {
        var from2017 = new DateOnly(2017, 1, 1);
        var from2021 = new DateOnly(2021, 1, 1);
        var until2030 = new DateOnly(2030, 12, 31);
        var everything = SharedDatasets.Statistics | SharedDatasets.Referrals | SharedDatasets.Coverage;
        var agreements = new List<SharingAgreement>();
        foreach (var organisation in organisations)
        {
            var provinces = organisation.Provinces.Select(p => p.ProvinceCode).ToList();
            SharingAgreement? agreement = organisation.Id switch
            {
                DemoOrganisationIds.Atd => Agreement(organisation.Id, everything, GeographicLevel.District, [], from2017, until2030),
                DemoOrganisationIds.Wvft => Agreement(organisation.Id, everything, GeographicLevel.District, provinces, from2021, until2030),
                DemoOrganisationIds.OnlineSafetyKids => Agreement(organisation.Id, SharedDatasets.Statistics, GeographicLevel.Province, provinces, from2021, new DateOnly(2025, 6, 30)),
                DemoOrganisationIds.RegionalMigrationOffice => Agreement(organisation.Id, SharedDatasets.Statistics, GeographicLevel.National, [], from2021, until2030),
                _ when ProvincialOffices.Any(o => o.Id == organisation.Id) =>
                    Agreement(organisation.Id, SharedDatasets.Statistics | SharedDatasets.Referrals, GeographicLevel.District, provinces, from2017, until2030),
                _ when RegionalNgos.Any(o => o.Id == organisation.Id) =>
                    Agreement(organisation.Id, SharedDatasets.Statistics, GeographicLevel.Province, provinces, from2021, until2030),
                _ when Shelters.Contains(organisation.Id) || organisation.Kind == OrganisationKind.ForeignGovernment =>
                    Agreement(organisation.Id, SharedDatasets.Referrals, GeographicLevel.National, [], from2017, until2030),
                _ => null,
            };
            if (agreement is not null)
            {
                agreements.Add(agreement);
            }
        }

        return agreements;
    }

    private static Organisation Thai(string id, string nameTh, string nameEn, OrganisationKind kind, IEnumerable<string> provinceCodes) => new()
    {
        Id = id,
        NameTh = nameTh,
        NameEn = nameEn,
        Kind = kind,
        Country = "TH",
        Provinces = provinceCodes.Select(code => new OrganisationProvince { OrganisationId = id, ProvinceCode = code }).ToList(),
    };

    private static Organisation Foreign(string id, string country, string nameTh, string nameEn) => new()
    {
        Id = id,
        NameTh = nameTh,
        NameEn = nameEn,
        Kind = OrganisationKind.ForeignGovernment,
        Country = country,
    };

    private static SharingAgreement Agreement(string organisationId, SharedDatasets datasets, GeographicLevel granularity, List<string> provinceCodes, DateOnly from, DateOnly to) => new()
    {
        OrganisationId = organisationId,
        Datasets = datasets,
        Granularity = granularity,
        ProvinceCodes = provinceCodes,
        ValidFrom = from,
        ValidTo = to,
    };
}
