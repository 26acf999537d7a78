namespace PartnerGraph.Data.Demo;

/// <summary>One of the 35 provinces the demo partners work in, with what shapes its synthetic caseload.</summary>
/// <param name="Code">DOPA code.</param>
/// <param name="MainForeignNationality">The neighbouring country most of its migrant children come from.</param>
/// <param name="Border">It shares a border with Myanmar, Laos, Cambodia or Malaysia.</param>
/// <param name="Hub">A destination for migrant labour, tourism or fishing.</param>
internal sealed record DemoProvince(string Code, string MainForeignNationality, bool Border, bool Hub);

internal static class DemoProvinces
{
    public const string Myanmar = "MM";
    public const string Cambodia = "KH";
    public const string Laos = "LA";
    public const string Malaysia = "MY";
    public const string VietNam = "VN";

    public static readonly IReadOnlyList<DemoProvince> All =
    [
        new("10", Myanmar, Border: false, Hub: true), // Bangkok
        new("11", Myanmar, Border: false, Hub: true), // Samut Prakan
        new("12", Myanmar, Border: false, Hub: true), // Nonthaburi
        new("20", Cambodia, Border: false, Hub: true), // Chon Buri
        new("22", Cambodia, Border: true, Hub: false), // Chanthaburi
        new("23", Cambodia, Border: true, Hub: false), // Trat
        new("27", Cambodia, Border: true, Hub: false), // Sa Kaeo
        new("31", Cambodia, Border: true, Hub: false), // Buri Ram
        new("32", Cambodia, Border: true, Hub: false), // Surin
        new("33", Cambodia, Border: true, Hub: false), // Si Sa Ket
        new("34", Laos, Border: true, Hub: false), // Ubon Ratchathani
        new("38", Laos, Border: true, Hub: false), // Bueng Kan
        new("40", Laos, Border: false, Hub: false), // Khon Kaen
        new("41", Laos, Border: false, Hub: false), // Udon Thani
        new("42", Laos, Border: true, Hub: false), // Loei
        new("43", Laos, Border: true, Hub: false), // Nong Khai
        new("48", Laos, Border: true, Hub: false), // Nakhon Phanom
        new("49", Laos, Border: true, Hub: false), // Mukdahan
        new("50", Myanmar, Border: true, Hub: true), // Chiang Mai
        new("55", Laos, Border: true, Hub: false), // Nan
        new("56", Laos, Border: true, Hub: false), // Phayao
        new("57", Myanmar, Border: true, Hub: false), // Chiang Rai
        new("58", Myanmar, Border: true, Hub: false), // Mae Hong Son
        new("63", Myanmar, Border: true, Hub: false), // Tak
        new("70", Myanmar, Border: true, Hub: false), // Ratchaburi
        new("71", Myanmar, Border: true, Hub: false), // Kanchanaburi
        new("74", Myanmar, Border: false, Hub: true), // Samut Sakhon
        new("77", Myanmar, Border: true, Hub: false), // Prachuap Khiri Khan
        new("80", Myanmar, Border: false, Hub: false), // Nakhon Si Thammarat
        new("83", Myanmar, Border: false, Hub: true), // Phuket
        new("85", Myanmar, Border: true, Hub: false), // Ranong
        new("90", Myanmar, Border: true, Hub: true), // Songkhla
        new("91", Myanmar, Border: true, Hub: false), // Satun
        new("95", Myanmar, Border: true, Hub: false), // Yala
        new("96", Myanmar, Border: true, Hub: false), // Narathiwat
    ];

    public static readonly IReadOnlyList<string> Codes = All.Select(p => p.Code).ToArray();

    /// <summary>Provinces on the Malaysian border, where a few Malaysian children appear.</summary>
    public static readonly IReadOnlySet<string> MalaysianBorder = new HashSet<string>(["90", "91", "95", "96"], StringComparer.Ordinal);

    /// <summary>Northern highland provinces, where many children have no recognised nationality.</summary>
    public static readonly IReadOnlySet<string> Highland = new HashSet<string>(["50", "55", "57", "58", "63"], StringComparer.Ordinal);

    /// <summary>Border crossings and destination districts where identification concentrates.</summary>
    public static readonly IReadOnlySet<string> HotspotDistricts = new HashSet<string>(
        [
            "1033", // Khlong Toei, Bangkok
            "2004", // Bang Lamung, Chon Buri
            "2706", // Aranyaprathet, Sa Kaeo
            "4301", // Mueang Nong Khai
            "4901", // Mueang Mukdahan
            "5001", // Mueang Chiang Mai
            "5703", // Chiang Khong, Chiang Rai
            "5709", // Mae Sai, Chiang Rai
            "6306", // Mae Sot, Tak
            "7108", // Sangkhla Buri, Kanchanaburi
            "7401", // Mueang Samut Sakhon
            "8501", // Mueang Ranong
            "9010", // Sadao, Songkhla
            "9011", // Hat Yai, Songkhla
        ],
        StringComparer.Ordinal);

    /// <summary>
    /// Pang Mapha, Mae Hong Son: the one district that holds exactly three demo cases, placed there on purpose and
    /// kept out of every other draw, so tests of disclosure control have a known small cell.
    /// </summary>
    public const string DistrictWithThreeCases = "5807";

    /// <summary>The 22 operating areas of the prevention programmes (one province each) and how many districts each covers: 55 in all.</summary>
    public static readonly IReadOnlyList<(string ProvinceCode, int Districts)> OperatingAreas =
    [
        ("50", 3), ("57", 3), ("63", 3), ("34", 3), ("40", 3), ("90", 3), ("10", 3), ("71", 3), ("33", 3), ("55", 3), ("20", 3),
        ("58", 2), ("74", 2), ("27", 2), ("22", 2), ("43", 2), ("48", 2), ("49", 2), ("42", 2), ("85", 2), ("91", 2), ("96", 2),
    ];
}
