namespace PartnerGraph.Domain.PersonalData;

/// <summary>
/// <see cref="PersonalDataGuard.Find"/> for one import, remembering its answer for each text it has read: a file of a
/// million case rows repeats a few thousand values (codes, days, districts), and the guard (normalising, then a dozen
/// patterns) is most of what checking a row costs. The answer for a text never changes, so a remembered one is the
/// guard's own. At most <paramref name="capacity"/> texts are kept, so an import of free text stays bounded in memory;
/// the memo lives only as long as the import that made it.
/// </summary>
public sealed class PersonalDataMemo(int capacity = 100_000)
{
    private readonly Dictionary<string, PersonalDataKind?> answers = new(StringComparer.Ordinal);

    public PersonalDataKind? Find(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (answers.TryGetValue(text, out var known))
        {
            return known;
        }

        var kind = PersonalDataGuard.Find(text);
        if (answers.Count < capacity)
        {
            answers[text] = kind;
        }

        return kind;
    }
}
