using System.Globalization;
using System.Text;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Domain.Cases;

/// <summary>
/// A synthetic import-cases file: ROWS valid case rows from one seed, spread over every province and district of the
/// shipped geography and ten years, every coded field drawn from its whole vocabulary (a tenth without a district,
/// a third without a status column value). The same seed and size always give the same bytes.
/// </summary>
internal static class CaseCsv
{
    public const string Header = "identified_on,province,district,age_band,sex,nationality,population_group,migration_status,exploitation_type,victim_status,identification_source,status";

    private static readonly string[] Nationalities = ["TH", "TH", "TH", "MM", "MM", "KH", "LA", "VN", "CN", "STATELESS", "UNKNOWN"];

    public static void Write(string path, int rows, int seed = 20261207)
    {
        var random = new Random(seed);
        var districts = new GeographyCatalogue().Provinces.SelectMany(p => p.Districts.Select(d => (Province: "TH-" + p.Code, District: d.Code))).ToArray();
        string[] Names<T>(CodeList<T> list)
            where T : struct, Enum => list.Codes.Select(c => c.Name).ToArray();
        var ageBands = Names(CaseVocabulary.AgeBands);
        var sexes = Names(CaseVocabulary.Sexes);
        var groups = Names(CaseVocabulary.PopulationGroups);
        var migration = Names(CaseVocabulary.MigrationStatuses);
        var exploitation = Names(CaseVocabulary.ExploitationTypes);
        var victim = Names(CaseVocabulary.VictimStatuses);
        var sources = Names(CaseVocabulary.IdentificationSources);
        var statuses = Names(CaseVocabulary.CaseStatuses);
        var first = new DateOnly(2017, 1, 1);
        var days = new DateOnly(2026, 10, 31).DayNumber - first.DayNumber + 1;
        string Pick(string[] values) => values[random.Next(values.Length)];

        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16);
        writer.NewLine = "\r\n";
        writer.WriteLine(Header);
        var line = new StringBuilder(160);
        for (var i = 0; i < rows; i++)
        {
            var (province, district) = districts[random.Next(districts.Length)];
            line.Clear()
                .Append(first.AddDays(random.Next(days)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
                .Append(province).Append(',')
                .Append(random.Next(10) == 0 ? "" : district).Append(',')
                .Append(Pick(ageBands)).Append(',')
                .Append(Pick(sexes)).Append(',')
                .Append(Pick(Nationalities)).Append(',')
                .Append(Pick(groups)).Append(',')
                .Append(Pick(migration)).Append(',')
                .Append(Pick(exploitation)).Append(',')
                .Append(Pick(victim)).Append(',')
                .Append(Pick(sources)).Append(',')
                .Append(random.Next(3) == 0 ? "" : Pick(statuses));
            writer.WriteLine(line);
        }
    }
}
