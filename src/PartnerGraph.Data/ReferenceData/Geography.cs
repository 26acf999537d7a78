using System.Reflection;
using PartnerGraph.Domain.Geography;

namespace PartnerGraph.Data.ReferenceData;

/// <summary>The curated geography of Thailand shipped in this assembly (see PROVENANCE.md beside the CSV files).</summary>
public static class Geography
{
    public static IReadOnlyList<Province> ReadProvinces() =>
        ReadCsv("thailand-provinces.csv", ["iso_code", "dopa_code", "name_th", "name_en"])
            .Select(r => new Province { IsoCode = r[0], Code = r[1], NameTh = r[2], NameEn = r[3] })
            .ToList();

    public static IReadOnlyList<District> ReadDistricts() =>
        ReadCsv("thailand-districts.csv", ["dopa_code", "province_dopa_code", "name_th", "name_en"])
            .Select(r => new District { Code = r[0], ProvinceCode = r[1], NameTh = r[2], NameEn = r[3] })
            .ToList();

    // The files are plain: UTF-8, LF, no quoting (their validator checks it), so a split is enough.
    private static List<string[]> ReadCsv(string name, string[] header)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("PartnerGraph.ReferenceData." + name)
            ?? throw new InvalidOperationException($"Reference data {name} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var first = reader.ReadLine();
        if (first != string.Join(',', header))
        {
            throw new InvalidDataException($"{name}: unexpected header '{first}'.");
        }

        var rows = new List<string[]>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var fields = line.Split(',');
            if (fields.Length != header.Length)
            {
                throw new InvalidDataException($"{name} line {lineNumber}: {fields.Length} fields, expected {header.Length}.");
            }

            rows.Add(fields);
        }

        return rows;
    }
}
