using System.Text;

namespace PartnerGraph.Domain.Cases;

/// <summary>
/// The accepted spellings of a case record's coded values, defined once: they are the GraphQL enum values and the
/// values of the import's CSV columns. Age bands are spelt out (AGE_12_14); every other value is the CONSTANT_CASE
/// of its C# name (NGO_OUTREACH).
/// </summary>
public static class CaseVocabulary
{
    public static readonly CodeList<AgeBand> AgeBands = new(
    [
        new(AgeBand.Age0To5, "AGE_0_5", "0 to 5 years old when identified."),
        new(AgeBand.Age6To11, "AGE_6_11", "6 to 11 years old when identified."),
        new(AgeBand.Age12To14, "AGE_12_14", "12 to 14 years old when identified."),
        new(AgeBand.Age15To17, "AGE_15_17", "15 to 17 years old when identified."),
        new(AgeBand.Age18Plus, "AGE_18_PLUS", "18 or older when identified."),
    ]);

    public static readonly CodeList<Sex> Sexes = FromNames<Sex>();
    public static readonly CodeList<PopulationGroup> PopulationGroups = FromNames<PopulationGroup>();
    public static readonly CodeList<MigrationStatus> MigrationStatuses = FromNames<MigrationStatus>();
    public static readonly CodeList<ExploitationType> ExploitationTypes = FromNames<ExploitationType>();
    public static readonly CodeList<VictimStatus> VictimStatuses = FromNames<VictimStatus>();
    public static readonly CodeList<IdentificationSource> IdentificationSources = FromNames<IdentificationSource>();
    public static readonly CodeList<CaseStatus> CaseStatuses = FromNames<CaseStatus>();

    /// <summary>"NgoOutreach" as "NGO_OUTREACH": a word starts at each capital that follows a small letter or a digit.</summary>
    public static string ConstantCase(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])))
            {
                text.Append('_');
            }

            text.Append(char.ToUpperInvariant(name[i]));
        }

        return text.ToString();
    }

    private static CodeList<T> FromNames<T>()
        where T : struct, Enum =>
        new(Enum.GetValues<T>().Select(v => new Code<T>(v, ConstantCase(v.ToString()), EnumDescription.Of(v))).ToList());
}

/// <summary>One coded value with its spelling and, where the name alone does not say it, a description.</summary>
public sealed record Code<T>(T Value, string Name, string? Description = null)
    where T : struct, Enum;

/// <summary>The spellings of one enumeration, both ways.</summary>
public sealed class CodeList<T>
    where T : struct, Enum
{
    private readonly Dictionary<string, T> byName;
    private readonly Dictionary<T, string> names;

    public CodeList(IReadOnlyList<Code<T>> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        Codes = codes;
        byName = codes.ToDictionary(c => c.Name, c => c.Value, StringComparer.OrdinalIgnoreCase);
        names = codes.ToDictionary(c => c.Value, c => c.Name);
        OneOf = "one of " + string.Join(", ", codes.Select(c => c.Name));
        if (names.Count != Enum.GetValues<T>().Length)
        {
            throw new ArgumentException($"Every {typeof(T).Name} needs exactly one spelling.", nameof(codes));
        }
    }

    public IReadOnlyList<Code<T>> Codes { get; }

    /// <summary>"one of A, B, C": what is accepted, for messages.</summary>
    public string OneOf { get; }

    public string Name(T value) => names[value];

    /// <summary>Reads a spelling, ignoring case and surrounding spaces.</summary>
    public bool TryParse(string? text, out T value)
    {
        value = default;
        return text is not null && byName.TryGetValue(text.Trim(), out value);
    }
}
