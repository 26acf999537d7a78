using System.Globalization;
using System.Text;

namespace PartnerGraph.Domain.PersonalData;

/// <summary>
/// Brings a text to the one form the personal-data guard reads, so that writing a value differently does not hide it:
/// Unicode compatibility forms folded (NFKC: full-width ＠ and ０-９ become @ and 0-9), format characters dropped (zero-width
/// spaces and joiners, soft hyphens, direction marks), digits of any script written as ASCII (Thai ๐-๙ too), and
/// digits written as words (English and Thai) turned into digits where four or more follow one another.
/// </summary>
public static class TextNormaliser
{
    /// <summary>Fewer number words in a row are ordinary prose ("two children"); a phone number read out has ten.</summary>
    private const int MinNumberWordsInARow = 4;

    private static readonly (string Word, char Digit)[] ThaiNumberWords =
    [
        ("ศูนย์", '0'), ("หนึ่ง", '1'), ("สอง", '2'), ("สาม", '3'), ("สี่", '4'),
        ("ห้า", '5'), ("หก", '6'), ("เจ็ด", '7'), ("แปด", '8'), ("เก้า", '9'),
    ];

    private static readonly Dictionary<string, char> EnglishNumberWords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["zero"] = '0',
        ["oh"] = '0',
        ["one"] = '1',
        ["two"] = '2',
        ["three"] = '3',
        ["four"] = '4',
        ["five"] = '5',
        ["six"] = '6',
        ["seven"] = '7',
        ["eight"] = '8',
        ["nine"] = '9',
    };

    public static string Normalise(string text)
    {
        var folded = text.Normalize(NormalizationForm.FormKC);
        var plain = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format)
            {
                continue;
            }

            var digit = c < 128 ? -1 : CharUnicodeInfo.GetDecimalDigitValue(c);
            plain.Append(digit >= 0 ? (char)('0' + digit) : c);
        }

        return NumberWordsToDigits(plain.ToString());
    }

    /// <summary>Runs of number words (English words apart, Thai words side by side or apart) as digits.</summary>
    private static string NumberWordsToDigits(string text)
    {
        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var (digits, end) = ReadNumberWords(text, i);
            if (digits.Length >= MinNumberWordsInARow)
            {
                result.Append(digits);
                i = end;
                continue;
            }

            // Not a run: copy up to the end of this word, so a run is only looked for at a word's start.
            var wordEnd = i;
            do
            {
                wordEnd++;
            }
            while (wordEnd < text.Length && char.IsAsciiLetter(text[wordEnd]) && char.IsAsciiLetter(text[i]));
            result.Append(text, i, wordEnd - i);
            i = wordEnd;
        }

        return result.ToString();
    }

    /// <summary>The digits of the number words from start on (with spaces, hyphens or commas between them), and where they end.</summary>
    private static (string Digits, int End) ReadNumberWords(string text, int start)
    {
        var digits = new StringBuilder();
        var i = start;
        var end = start;
        while (i < text.Length)
        {
            if (NumberWordAt(text, i) is not { } word)
            {
                break;
            }

            digits.Append(word.Digit);
            i += word.Length;
            end = i;
            while (i < text.Length && (text[i] is ' ' or '-' or ',' or '\t'))
            {
                i++;
            }
        }

        return (digits.ToString(), end);
    }

    private static (char Digit, int Length)? NumberWordAt(string text, int i)
    {
        foreach (var (word, digit) in ThaiNumberWords)
        {
            if (string.CompareOrdinal(text, i, word, 0, word.Length) == 0)
            {
                return (digit, word.Length);
            }
        }

        if (!char.IsAsciiLetter(text[i]) || (i > 0 && char.IsAsciiLetter(text[i - 1])))
        {
            return null;
        }

        var end = i;
        while (end < text.Length && char.IsAsciiLetter(text[end]))
        {
            end++;
        }

        return EnglishNumberWords.TryGetValue(text[i..end], out var value) ? (value, end - i) : null;
    }
}
