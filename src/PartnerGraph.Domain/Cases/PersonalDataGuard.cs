using System.Globalization;
using System.Text.RegularExpressions;

namespace PartnerGraph.Domain.Cases;

/// <summary>The kinds of personal data a case record must never carry.</summary>
public enum PersonalDataKind
{
    NationalId,
    PhoneNumber,
    EmailAddress,
}

/// <summary>
/// Finds personal data in any text before it could be stored: a Thai national id (13 digits that pass its check
/// digit, written whole or in the 1-4-5-2-1 layout), a phone number (Thai mobile and fixed-line numbers in their
/// usual layouts, +66/0066 forms, any +CC number of 8 to 15 digits) or an e-mail address. Digits in any script count
/// (Thai ๐-๙ too). Numbers are read as groups of digits joined by short separators (space, dash, dot, brackets);
/// a group is never split, so longer codes (REF-2026-000123, 20-digit references) and dates are not mistaken.
/// 13 digits with a wrong check digit are not flagged: they are no national id and no phone layout. It cannot
/// recognise names: they are kept out by the case record having no free-text field.
/// </summary>
public static partial class PersonalDataGuard
{
    private const int MaxSeparatorLength = 3;
    private const int MinInternationalDigits = 8;
    private const int MaxInternationalDigits = 15;

    // Group lengths of the ways Thai numbers are written: 081-234-5678, 08-1234-5678, 02-123-4567, 053-123-456 ...
    private static readonly int[][] MobileLayouts = [[10], [3, 3, 4], [3, 4, 3], [2, 4, 4], [4, 3, 3], [3, 7], [2, 8], [4, 6], [5, 5]];
    private static readonly int[][] FixedLineLayouts = [[9], [2, 3, 4], [2, 4, 3], [2, 7], [3, 3, 3], [3, 6], [1, 4, 4]];
    private static readonly int[] NationalIdLayout = [1, 4, 5, 2, 1];

    /// <summary>The first kind of personal data found (a national id before a phone number before an e-mail address), or null.</summary>
    public static PersonalDataKind? Find(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var number = FindInNumbers(text);
        if (number == PersonalDataKind.NationalId)
        {
            return number;
        }

        return number ?? (text.Contains('@', StringComparison.Ordinal) && Email().IsMatch(text) ? PersonalDataKind.EmailAddress : null);
    }

    /// <summary>The kind in words, for a message that never repeats the value.</summary>
    public static string Describe(PersonalDataKind kind) => kind switch
    {
        PersonalDataKind.NationalId => "a Thai national id number",
        PersonalDataKind.PhoneNumber => "a phone number",
        _ => "an e-mail address",
    };

    /// <summary>Reads every run of digit groups and checks each span of whole groups in it.</summary>
    private static PersonalDataKind? FindInNumbers(string text)
    {
        Span<byte> digits = text.Length <= 256 ? stackalloc byte[text.Length] : new byte[text.Length];
        Span<int> groups = text.Length <= 256 ? stackalloc int[text.Length] : new int[text.Length];
        PersonalDataKind? found = null;
        var i = 0;
        while (i < text.Length)
        {
            var plus = text[i] == '+' && i + 1 < text.Length && Digit(text[i + 1]) >= 0;
            var start = plus ? i + 1 : i;
            if (Digit(text[start]) < 0)
            {
                i++;
                continue;
            }

            var (digitCount, groupCount, end) = ReadRun(text, start, digits, groups);
            var kind = Check(digits[..digitCount], groups[..groupCount], plus);
            if (kind == PersonalDataKind.NationalId)
            {
                return kind;
            }

            found ??= kind;
            i = end;
        }

        return found;
    }

    /// <summary>Digit groups joined by separators of at most three characters, from start to the first other character.</summary>
    private static (int Digits, int Groups, int End) ReadRun(string text, int start, Span<byte> digits, Span<int> groups)
    {
        int digitCount = 0, groupCount = 0, i = start;
        while (true)
        {
            var length = 0;
            for (int d; i < text.Length && (d = Digit(text[i])) >= 0; i++, length++)
            {
                digits[digitCount++] = (byte)d;
            }

            groups[groupCount++] = length;
            var separator = 0;
            while (separator < MaxSeparatorLength && i + separator < text.Length && IsSeparator(text[i + separator]))
            {
                separator++;
            }

            if (separator == 0 || i + separator >= text.Length || Digit(text[i + separator]) < 0)
            {
                return (digitCount, groupCount, i);
            }

            i += separator;
        }
    }

    private static PersonalDataKind? Check(ReadOnlySpan<byte> digits, ReadOnlySpan<int> groups, bool plus)
    {
        PersonalDataKind? found = null;
        var offset = 0;
        for (var first = 0; first < groups.Length; offset += groups[first], first++)
        {
            var total = 0;
            for (var last = first; last < groups.Length; last++)
            {
                total += groups[last];
                if (total > MaxInternationalDigits)
                {
                    break;
                }

                var window = digits.Slice(offset, total);
                var layout = groups[first..(last + 1)];
                if (IsNationalId(window, layout))
                {
                    return PersonalDataKind.NationalId;
                }

                if (found is null && ((plus && first == 0 && total >= MinInternationalDigits) || IsThaiPhone(window, layout)))
                {
                    found = PersonalDataKind.PhoneNumber;
                }
            }
        }

        return found;
    }

    /// <summary>13 digits, whole or as 1-4-5-2-1, whose last is the check digit: (11 - sum of d1..d12 weighted 13..2, mod 11) mod 10.</summary>
    private static bool IsNationalId(ReadOnlySpan<byte> digits, ReadOnlySpan<int> layout)
    {
        if (digits.Length != 13 || (layout.Length != 1 && !layout.SequenceEqual(NationalIdLayout)))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            sum += digits[i] * (13 - i);
        }

        return (11 - (sum % 11)) % 10 == digits[12];
    }

    /// <summary>A Thai number written for Thailand (0...) or with its country code written as a group of its own (66 / 0066).</summary>
    private static bool IsThaiPhone(ReadOnlySpan<byte> digits, ReadOnlySpan<int> layout)
    {
        if (digits.Length > 0 && digits[0] == 0 && IsDomestic(digits, layout))
        {
            return true;
        }

        var prefix = digits.StartsWith((ReadOnlySpan<byte>)[6, 6]) ? 2 : digits.StartsWith((ReadOnlySpan<byte>)[0, 0, 6, 6]) ? 4 : 0;
        if (prefix == 0 || (layout.Length > 1 && layout[0] != prefix))
        {
            return false;
        }

        var number = digits[prefix..];
        return number.Length switch
        {
            9 => number[0] is 6 or 8 or 9,
            8 => number[0] is 2 or 3 or 4 or 5 or 7,
            _ => false,
        };
    }

    private static bool IsDomestic(ReadOnlySpan<byte> digits, ReadOnlySpan<int> layout) => digits.Length switch
    {
        10 => digits[1] is 6 or 8 or 9 && Matches(layout, MobileLayouts),
        9 => digits[1] is 2 or 3 or 4 or 5 or 7 && Matches(layout, FixedLineLayouts),
        _ => false,
    };

    private static bool Matches(ReadOnlySpan<int> layout, int[][] layouts)
    {
        foreach (var known in layouts)
        {
            if (layout.SequenceEqual(known))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The value of a decimal digit of any script, or -1.</summary>
    private static int Digit(char c) =>
        char.IsAsciiDigit(c) ? c - '0' : c < 128 ? -1 : CharUnicodeInfo.GetDecimalDigitValue(c);

    private static bool IsSeparator(char c) => c is ' ' or '\u00A0' or '-' or '.' or '(' or ')' or (>= '\u2010' and <= '\u2015');

    [GeneratedRegex(@"[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Email();
}
