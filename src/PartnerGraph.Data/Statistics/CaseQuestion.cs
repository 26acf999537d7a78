using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PartnerGraph.Domain.Cases;

namespace PartnerGraph.Data.Statistics;

/// <summary>
/// A question about case counts in canonical form: validated, its period resolved to whole days, its dimensions in
/// one order and every filter list sorted and without repeats. Two requests that mean the same table have equal
/// <see cref="CanonicalText"/>: that is what makes a repeated question free.
/// </summary>
public sealed record CaseQuestion
{
    /// <summary>The dimensions grouped by, in the order of <see cref="CaseDimension"/>.</summary>
    public required IReadOnlyList<CaseDimension> GroupBy { get; init; }

    /// <summary>The first and last day counted (a case counts when identified on a day of the period).</summary>
    public required DateOnly From { get; init; }

    public required DateOnly To { get; init; }

    /// <summary>
    /// The values kept for each filtered dimension other than time (province and district codes, enum names,
    /// nationality codes), sorted ordinally; a dimension not in the map is not filtered.
    /// </summary>
    public required IReadOnlyDictionary<CaseDimension, IReadOnlyList<string>> Filters { get; init; }

    /// <summary>The provinces the asker's agreement covers, sorted; null when it covers all.</summary>
    public IReadOnlyList<string>? AllowedProvinces { get; init; }

    /// <summary>Dimensions grouped by, put in canonical order.</summary>
    public static IReadOnlyList<CaseDimension> Canonical(IEnumerable<CaseDimension> groupBy) => groupBy.Distinct().Order().ToList();

    /// <summary>Sorted, distinct values for <see cref="Filters"/>.</summary>
    public static IReadOnlyList<string> Canonical(IEnumerable<string> values) => values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>One line that names the question exactly (the same question always gives the same text).</summary>
    public string CanonicalText()
    {
        var text = new StringBuilder();
        text.Append("group=").AppendJoin(',', GroupBy);
        text.Append(";from=").Append(From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        text.Append(";to=").Append(To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        foreach (var (dimension, values) in Filters.OrderBy(f => f.Key))
        {
            text.Append(';').Append(dimension).Append('=').AppendJoin(',', values);
        }

        if (AllowedProvinces is not null)
        {
            text.Append(";agreement=").AppendJoin(',', AllowedProvinces);
        }

        return text.ToString();
    }

    /// <summary>SHA-256 of the canonical text and what else makes the answer (<paramref name="salt"/>: e.g. the accuracy), hex.</summary>
    public string Hash(string salt) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalText() + "|" + salt)));

    /// <summary>Whether a period starts and ends on whole months.</summary>
    public bool WholeMonths => From.Day == 1 && To.Day == DateTime.DaysInMonth(To.Year, To.Month);

    /// <summary>Whether a period starts and ends on whole quarters.</summary>
    public bool WholeQuarters => WholeMonths && From.Month % 3 == 1 && To.Month % 3 == 0;

    /// <summary>Whether a period starts and ends on whole years.</summary>
    public bool WholeYears => WholeMonths && From.Month == 1 && To.Month == 12;
}
