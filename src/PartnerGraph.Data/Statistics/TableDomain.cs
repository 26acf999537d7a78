using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Domain.Cases;

namespace PartnerGraph.Data.Statistics;

/// <summary>
/// Every cell a question's table has, whether or not any case falls in it: the values of each dimension grouped by,
/// from the question (its filters, its period, the asker's agreement) and the reference lists, never from the case
/// records. Noise goes on every one of these cells, empty ones too, and which cells are shown is decided from the
/// noisy counts alone: so that a cell's presence says nothing the noise does not cover.
/// </summary>
public sealed class TableDomain
{
    private TableDomain(IReadOnlyList<IReadOnlyList<string>> values) => Values = values;

    /// <summary>The values of each dimension grouped by, in the question's GroupBy order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Values { get; }

    /// <summary>How many cells the table has (the product of the dimensions' sizes); long, as a product can be large.</summary>
    public long CellCount => Values.Aggregate(1L, (n, v) => n * v.Count);

    public static TableDomain For(CaseQuestion question, GeographyCatalogue geography)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(geography);
        return new TableDomain(question.GroupBy.Select(d => ValuesOf(d, question, geography)).ToList());
    }

    /// <summary>Every cell's key (values joined by <see cref="CaseCounter.Separator"/>), in order: the first dimension slowest.</summary>
    public IEnumerable<string> Keys()
    {
        if (Values.Count == 0)
        {
            yield return "";
            yield break;
        }

        if (Values.Any(v => v.Count == 0))
        {
            yield break;
        }

        var index = new int[Values.Count];
        var parts = new string[Values.Count];
        while (true)
        {
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i] = Values[i][index[i]];
            }

            yield return string.Join(CaseCounter.Separator, parts);
            var position = index.Length - 1;
            while (position >= 0 && ++index[position] == Values[position].Count)
            {
                index[position] = 0;
                position--;
            }

            if (position < 0)
            {
                yield break;
            }
        }
    }

    private static IReadOnlyList<string> ValuesOf(CaseDimension dimension, CaseQuestion question, GeographyCatalogue geography)
    {
        var allowed = question.AllowedProvinces?.ToHashSet(StringComparer.Ordinal);
        bool Allowed(string province) => allowed is null || allowed.Contains(province);
        var provinceFilter = question.Filters.GetValueOrDefault(CaseDimension.Province)?.ToHashSet(StringComparer.Ordinal);
        var districtFilter = question.Filters.GetValueOrDefault(CaseDimension.District);
        switch (dimension)
        {
            case CaseDimension.Province:
                var provinces = geography.Provinces.Select(p => p.Code).Where(Allowed).Where(p => provinceFilter is null || provinceFilter.Contains(p));
                if (districtFilter is not null)
                {
                    var ofDistricts = districtFilter.Select(d => d[..2]).ToHashSet(StringComparer.Ordinal);
                    provinces = provinces.Where(ofDistricts.Contains);
                }

                return provinces.ToList();
            case CaseDimension.District:
                if (districtFilter is not null)
                {
                    return districtFilter.Where(d => Allowed(d[..2]) && (provinceFilter is null || provinceFilter.Contains(d[..2]))).ToList();
                }

                // A case may name its province and not its district: those count in the district "" of no name.
                return geography.Provinces.Where(p => Allowed(p.Code) && (provinceFilter is null || provinceFilter.Contains(p.Code)))
                    .SelectMany(p => p.Districts.Select(d => d.Code).Order(StringComparer.Ordinal).Prepend(""))
                    .Distinct(StringComparer.Ordinal)
                    .ToList();
            case CaseDimension.Year:
            case CaseDimension.Quarter:
            case CaseDimension.Month:
                return Times(dimension, question.From, question.To);
            case CaseDimension.Nationality:
                return question.Filters.GetValueOrDefault(dimension)
                    ?? [.. CountryCodes.All, CaseRecordRules.Stateless, CaseRecordRules.UnknownNationality];
            default:
                return question.Filters.GetValueOrDefault(dimension) ?? EnumNames(dimension);
        }
    }

    private static List<string> Times(CaseDimension dimension, DateOnly from, DateOnly to)
    {
        var values = new List<string>();
        for (var month = new DateOnly(from.Year, from.Month, 1); month <= to; month = month.AddMonths(1))
        {
            var value = CaseCounter.TimeValue(dimension, month.Year, month.Month);
            if (values.Count == 0 || values[^1] != value)
            {
                values.Add(value);
            }
        }

        return values;
    }

    private static string[] EnumNames(CaseDimension dimension) => dimension switch
    {
        CaseDimension.AgeBand => Enum.GetNames<AgeBand>(),
        CaseDimension.Sex => Enum.GetNames<Sex>(),
        CaseDimension.PopulationGroup => Enum.GetNames<PopulationGroup>(),
        CaseDimension.ExploitationType => Enum.GetNames<ExploitationType>(),
        CaseDimension.VictimStatus => Enum.GetNames<VictimStatus>(),
        _ => Enum.GetNames<IdentificationSource>(),
    };
}
