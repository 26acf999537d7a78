using System.Text.RegularExpressions;

namespace PartnerGraph.Domain.PersonalData;

/// <summary>The kinds of personal data no text this API stores, logs or answers may carry.</summary>
public enum PersonalDataKind
{
    NationalId,
    IdentityDocument,
    PhoneNumber,
    EmailAddress,
    ContactHandle,
    PersonName,
    BirthDate,
    StreetAddress,
}

/// <summary>
/// The one guard every free-text input passes (referral and coverage reasons, case fields, organisation names, the
/// operation names the access log keeps, CSV headers): it refuses what is likely personal data about a person, after
/// <see cref="TextNormaliser"/> has undone the usual disguises (other scripts' digits, full-width forms, zero-width
/// characters, numbers written as words).
/// <list type="bullet">
/// <item>Numbers are read as groups of digits joined by short separators (spaces, line breaks, - . / _ and the like,
/// at most four characters), so any grouping of a number counts. A span of whole groups that is a Thai national id
/// (13 digits whose last is the check digit), any run of exactly 13 digits (an id-like number), a Thai phone number
/// (0 + 9 or 8 digits, with 66 or 0066 before it) or an international one (+ and 8 to 15 digits) is refused; a span that
/// is a date (day, month and a year of 1900-2100 or 2400-2700 BE) is not read as a number.</item>
/// <item>E-mail addresses, also written with " at "/" dot ", [at], (at) or the Thai แอท/ดอท; contact handles after
/// LINE, WhatsApp, Telegram, Facebook and the like, and social network addresses.</item>
/// <item>Identity documents: 1 or 2 letters and 6 to 8 digits (passports), or a number after a word naming an id.</item>
/// <item>Names: an honorific and a name (Thai เด็กหญิง, ด.ญ., ด.ช., นาย, นางสาว ... ; English Mr, Miss, Master ...;
/// romanised Nai, Nang, Khun, Dek Ying ...), or "named"/"name is"/ชื่อ and a name.</item>
/// <item>A date or year next to a word about birth; a house number, village (หมู่/Moo) or lane (ซอย/Soi) of an address.</item>
/// </list>
/// It keeps false positives low: the API's own codes and references (REF-2026-000123, TH-50, 5001, PREVENTION-SCHOOL),
/// dates, counts and ordinary reasons ("family found", "moved to a shelter in Chiang Rai") pass.
/// </summary>
public static partial class PersonalDataGuard
{
    /// <summary>The error code of a refusal, for every input alike.</summary>
    public const string Code = "PII_NOT_ALLOWED";

    private const int MaxSeparatorLength = 4;
    private const int MinInternationalDigits = 8;
    private const int MaxInternationalDigits = 15;
    private const int NationalIdDigits = 13;

    /// <summary>The first kind of personal data found, in the order of <see cref="PersonalDataKind"/>, or null.</summary>
    public static PersonalDataKind? Find(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var masked = References().Replace(TextNormaliser.Normalise(text), " ");
        if (FindInNumbers(masked) is { } number)
        {
            return number;
        }

        foreach (var (kind, holds) in Checks)
        {
            if (holds(masked))
            {
                return kind;
            }
        }

        return null;
    }

    /// <summary>The checks after the numbers, in the order of <see cref="PersonalDataKind"/>.</summary>
    private static readonly (PersonalDataKind Kind, Func<string, bool> Holds)[] Checks =
    [
        (PersonalDataKind.IdentityDocument, t => IdentityDocument().IsMatch(t)),
        (PersonalDataKind.EmailAddress, IsEmail),
        (PersonalDataKind.ContactHandle, t => ContactHandle().IsMatch(t) || SocialAddress().IsMatch(t)),
        (PersonalDataKind.PersonName, IsName),
        (PersonalDataKind.BirthDate, t => BirthDate().IsMatch(t)),
        (PersonalDataKind.StreetAddress, IsStreetAddress),
    ];

    /// <summary>Refuses a text that holds personal data, naming the field and the kind found, never the text.</summary>
    public static void EnsureNone(string field, string? text)
    {
        if (Find(text) is { } kind)
        {
            throw Refusal(field, kind);
        }
    }

    /// <summary>The refusal of personal data in a field: code PII_NOT_ALLOWED, details field and kind.</summary>
    public static RuleRefusedException Refusal(string field, PersonalDataKind kind) =>
        new(Code, $"{field} holds what looks like {Describe(kind)}. Nothing that could identify a person may be sent: remove it.", new Dictionary<string, object?>
        {
            ["field"] = field,
            ["kind"] = Name(kind),
        });

    /// <summary>The kind in words, for a message that names what was found and never repeats it.</summary>
    public static string Describe(PersonalDataKind kind) => kind switch
    {
        PersonalDataKind.NationalId => "a national id or id-like number",
        PersonalDataKind.IdentityDocument => "an identity document number",
        PersonalDataKind.PhoneNumber => "a phone number",
        PersonalDataKind.EmailAddress => "an e-mail address",
        PersonalDataKind.ContactHandle => "a contact handle or social network address",
        PersonalDataKind.PersonName => "a person's name",
        PersonalDataKind.BirthDate => "a date of birth",
        _ => "a street address",
    };

    /// <summary>The kind as the error's extensions name it: NATIONAL_ID, PHONE_NUMBER ...</summary>
    public static string Name(PersonalDataKind kind) => WordStart().Replace(kind.ToString(), "_").ToUpperInvariant();

    /// <summary>Reads every run of digit groups and checks each span of whole groups in it.</summary>
    private static PersonalDataKind? FindInNumbers(string text)
    {
        var groups = new List<(int Start, int Length)>();
        PersonalDataKind? found = null;
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                i++;
                continue;
            }

            var plus = PlusBefore(text, i);
            groups.Clear();
            i = ReadRun(text, i, groups);
            var kind = Check(text, groups, plus);
            if (kind == PersonalDataKind.NationalId)
            {
                return kind;
            }

            found ??= kind;
        }

        return found;
    }

    /// <summary>A '+' just before the digits (an international number), with at most a space between.</summary>
    private static bool PlusBefore(string text, int digit) =>
        (digit >= 1 && text[digit - 1] == '+') || (digit >= 2 && text[digit - 1] == ' ' && text[digit - 2] == '+');

    /// <summary>Digit groups joined by separators of at most four characters that are neither letters nor digits.</summary>
    private static int ReadRun(string text, int start, List<(int Start, int Length)> groups)
    {
        var i = start;
        while (true)
        {
            var groupStart = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            groups.Add((groupStart, i - groupStart));
            var separator = 0;
            while (separator < MaxSeparatorLength && i + separator < text.Length && IsSeparator(text[i + separator]))
            {
                separator++;
            }

            if (separator == 0 || i + separator >= text.Length || !char.IsAsciiDigit(text[i + separator]))
            {
                return i;
            }

            i += separator;
        }
    }

    private static bool IsSeparator(char c) => !char.IsLetterOrDigit(c) && c != '@';

    private static PersonalDataKind? Check(string text, List<(int Start, int Length)> groups, bool plus)
    {
        PersonalDataKind? found = null;
        var total = groups.Sum(g => g.Length);
        if (total == NationalIdDigits && !plus && text[groups[0].Start] != '0' && !ContainsDate(text, groups, 0, groups.Count))
        {
            return PersonalDataKind.NationalId; // any 13-digit number (no 0066 phone): a national id, or one with a slip of the pen
        }

        Span<char> digits = stackalloc char[MaxInternationalDigits];
        for (var first = 0; first < groups.Count; first++)
        {
            var length = 0;
            for (var last = first; last < groups.Count; last++)
            {
                if (length + groups[last].Length > MaxInternationalDigits)
                {
                    break;
                }

                text.AsSpan(groups[last].Start, groups[last].Length).CopyTo(digits[length..]);
                length += groups[last].Length;
                if (ContainsDate(text, groups, first, last + 1))
                {
                    continue;
                }

                var window = digits[..length];
                if (IsNationalId(window))
                {
                    return PersonalDataKind.NationalId;
                }

                if (found is null && ((plus && first == 0 && length >= MinInternationalDigits) || IsThaiPhone(window)))
                {
                    found = PersonalDataKind.PhoneNumber;
                }
            }
        }

        return found;
    }

    /// <summary>13 digits whose last is the check digit: (11 - sum of d1..d12 weighted 13..2, mod 11) mod 10.</summary>
    private static bool IsNationalId(ReadOnlySpan<char> digits)
    {
        if (digits.Length != NationalIdDigits)
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 12; i++)
        {
            sum += (digits[i] - '0') * (13 - i);
        }

        return (11 - (sum % 11)) % 10 == digits[12] - '0';
    }

    /// <summary>A Thai number: 0 and 9 digits (mobile: 06, 08, 09) or 8 digits (fixed line), or the same after 66 or 0066.</summary>
    private static bool IsThaiPhone(ReadOnlySpan<char> digits)
    {
        var national = digits.StartsWith("0066") ? digits[4..] : digits.StartsWith("66") ? digits[2..] : digits[0] == '0' ? digits[1..] : default;
        return national.Length switch
        {
            9 => national[0] is '6' or '8' or '9',
            8 => national[0] is '2' or '3' or '4' or '5' or '7',
            _ => false,
        };
    }

    /// <summary>Whether the groups from first to end (exclusive) hold a date written with one separator: d/m/y or y-m-d.</summary>
    private static bool ContainsDate(string text, List<(int Start, int Length)> groups, int first, int end)
    {
        for (var i = first; i + 3 <= end; i++)
        {
            if (IsDate(text, groups, i, i + 3))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsDate(string text, List<(int Start, int Length)> groups, int first, int end)
    {
        if (end - first != 3)
        {
            return false;
        }

        int Value(int index) => int.Parse(text.AsSpan(groups[index].Start, groups[index].Length), System.Globalization.CultureInfo.InvariantCulture);
        bool Year(int index) => groups[index].Length == 4 && Value(index) is (>= 1900 and <= 2100) or (>= 2400 and <= 2700);
        bool DayMonth(int day, int month) => groups[day].Length <= 2 && groups[month].Length <= 2 && Value(day) is >= 1 and <= 31 && Value(month) is >= 1 and <= 31;
        return (Year(first + 2) && DayMonth(first, first + 1)) || (Year(first) && DayMonth(first + 2, first + 1));
    }

    private static bool IsEmail(string text)
    {
        var spelled = SpelledEmail().Replace(text, m => m.Groups["at"].Success ? "@" : ".");
        return spelled.Contains('@', StringComparison.Ordinal) && Email().IsMatch(spelled);
    }

    private static bool IsName(string text)
    {
        foreach (Match match in ThaiHonorific().Matches(text))
        {
            var honorific = match.Groups["honorific"];
            if (!honorific.Success || !StartsWithCommonWord(text.AsSpan(match.Index + match.Length), WordsAfter[honorific.Value]))
            {
                return true;
            }
        }

        return EnglishHonorific().IsMatch(text) || NamedLatin().IsMatch(text) || NamedThai().IsMatch(text);
    }

    private static bool StartsWithCommonWord(ReadOnlySpan<char> rest, string[] words)
    {
        foreach (var word in words)
        {
            if (rest.StartsWith(word, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Words of a sentence about "the girl" or "the boy" (เด็กหญิงอายุ 12 ปี: the girl, aged 12).</summary>
    private static readonly string[] SentenceWords =
    [
        "อายุ", "มีอายุ", "วัย", "ดังกล่าว", "รายนี้", "คนนี้", "คนดังกล่าว", "ได้รับ", "ได้ถูก", "ถูก", "ไม่", "และ", "ทั้ง",
        "จำนวน", "ที่", "ซึ่ง", "กลับ", "ยัง", "จะ", "เป็น", "อยู่", "ของ", "ใน", "จาก", "กับ", "ต้อง", "เคย", "คือ", "ผู้",
    ];

    /// <summary>
    /// What follows a full honorific without being a name: compounds (นายจ้าง employer, นายหน้า broker, นางพยาบาล
    /// nurse, คุณภาพ quality) and the words of a sentence. The abbreviations (ด.ญ., ด.ช., น.ส.) are always a name's.
    /// </summary>
    private static readonly Dictionary<string, string[]> WordsAfter = new(StringComparer.Ordinal)
    {
        ["เด็กหญิง"] = SentenceWords,
        ["เด็กชาย"] = SentenceWords,
        ["นางสาว"] = SentenceWords,
        ["นาย"] = ["จ้าง", "หน้า", "อำเภอ", "กรัฐมนตรี", "กเทศมนตรี", "กอบต", "ทุน", "ตำรวจ", "แพทย์", "ทหาร", "ด่าน", "ประกัน", "ช่าง", "สถานี", "ห้าง", .. SentenceWords],
        ["นาง"] = ["พยาบาล", "ฟ้า", "งาม", "แบบ", "เอก", .. SentenceWords],
        ["คุณ"] = ["ภาพ", "ค่า", "สมบัติ", "ประโยชน์", "ธรรม", "ลักษณะ", "วุฒิ", "ครู", "แม่", "พ่อ", "ยาย", "ตา", "ป้า", "ลุง", "น้า", "อา", "หมอ", "ครับ", "ค่ะ", "คะ", .. SentenceWords],
    };

    private static bool IsStreetAddress(string text) =>
        AddressNumber().IsMatch(text) || (HouseNumber().IsMatch(text) && AddressWord().IsMatch(text));

    /// <summary>This API's own references, which look like numbers but are none of a person's: REF-2026-000123.</summary>
    [GeneratedRegex(@"\bREF-\d{4}-\d{6}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex References();

    [GeneratedRegex(@"(?<=[a-z])(?=[A-Z])", RegexOptions.CultureInvariant)]
    private static partial Regex WordStart();

    [GeneratedRegex(
        @"(?<![\p{L}\d])[A-Z]{1,2}\d{6,8}(?![\p{L}\d])|(?:passport|pass\s*no|pink\s*card|work\s*permit|id\s*card|id\s*no|id\s*number|identity|หนังสือเดินทาง|พาสปอร์ต|บัตรชมพู|ใบอนุญาตทำงาน|บัตรประชาชน|บัตรประจำตัว|เลขประจำตัว)\W{0,6}(?:no\.?|number|เลขที่)?\W{0,4}[A-Z]{0,3}\W?\d[\d\W]{4,}",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex IdentityDocument();

    [GeneratedRegex(@"\s*[\[\(\{<]\s*(?:(?<at>at|@|แอท)|dot|ดอท)\s*[\]\)\}>]\s*|\s+(?:(?<at>at|แอท)|dot|ดอท)\s+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SpelledEmail();

    [GeneratedRegex(@"[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Email();

    /// <summary>
    /// A handle after the name of a messenger or social network: with ":", "=", "@" or "id" between (English names such
    /// as "line" and "signal" are also ordinary words), or a handle that holds a digit, "_" or "."; after ไลน์ any handle.
    /// </summary>
    [GeneratedRegex(
        @"(?<![\p{L}])(?:line|whats\s?app|telegram|wechat|viber|signal|instagram|ig|facebook|fb|messenger|tiktok|twitter|skype|kakao|zalo)(?:\s*id\s*[:=]?\s*@?|\s*[:=]\s*@?|\s*@|\s+(?=[\p{L}\p{N}._-]*[\d_.]))[\p{L}\p{N}._-]{3,}|(?:ไลน์|เฟ[ซส]บุ[๊]?[กค]|เฟส|ไอดี)\s*(?:id|ไอดี)?\s*[:=]?\s*@?[\p{L}\p{N}._-]{3,}|(?<![\p{L}])id\s*(?:line|ไลน์)\s*[:=]?\s*@?[\p{L}\p{N}._-]{3,}",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ContactHandle();

    [GeneratedRegex(@"(?:facebook\.com|fb\.com|fb\.me|m\.me|line\.me|t\.me|wa\.me|instagram\.com|tiktok\.com|twitter\.com|x\.com)\s*/\s*\S+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex SocialAddress();

    [GeneratedRegex(@"(?:ด\.\s?ญ\.?|ด\.\s?ช\.?|น\.\s?ส\.?|(?<honorific>เด็กหญิง|เด็กชาย|นางสาว|นาง|นาย|(?<!ขอบ|บุญ|พระ)คุณ))\s?(?=[\u0E01-\u0E2E])", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ThaiHonorific();

    [GeneratedRegex(@"(?<![\p{L}])(?i:mr|mrs|ms|miss|mister|master|mstr|mx|madam|dr|nangsao|dek\s?ying|dek\s?chai|d\.\s?y|d\.\s?ch)\.?\s+\p{Lu}\p{Ll}+", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex EnglishHonorific();

    [GeneratedRegex(@"(?<![\p{L}])(?i:named|name\s*(?:is|:|=)|nickname\s*(?:is|:|=)?|known\s+as)\s+\p{Lu}\p{Ll}+", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex NamedLatin();

    [GeneratedRegex(@"ชื่อ(?:เล่น|จริง)?(?:\s*(?:คือ|ว่า|:)\s*|\s+)[\u0E01-\u0E4E]{2,}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex NamedThai();

    /// <summary>A year (1900-2100, or 2400-2700 in the Buddhist era) or a day and month after a word about birth.</summary>
    [GeneratedRegex(
        @"(?:(?<![\p{L}])(?:born|birth\w*|d\.?o\.?b\.?)(?![\p{L}])|วันเกิด|ปีเกิด|(?<!เหตุ|ปัญหา)เกิด(?:วันที่|เมื่อ|ปี|\s*พ\.ศ\.))[^\n]{0,30}?(?:(?<!\d)(?:19\d\d|20\d\d|2[4-6]\d\d)(?!\d)|(?<!\d)\d{1,2}\s*[/.-]\s*\d{1,2}(?!\d))",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex BirthDate();

    /// <summary>A village (หมู่ / Moo) or lane (ซอย / Soi) number, or a house number named as one.</summary>
    [GeneratedRegex(@"(?:บ้านเลขที่\s*\d|เลขที่\s*\d{1,4}/\d|หมู่(?:ที่)?\s*\d|(?<![\p{L}])(?:moo|soi|house\s*(?:no|number)|village\s*no)\.?\s*\d)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex AddressNumber();

    /// <summary>A Thai house number: 12/3, 123/45.</summary>
    [GeneratedRegex(@"(?<![\d/])\d{1,4}/\d{1,4}(?![\d/])", RegexOptions.CultureInvariant)]
    private static partial Regex HouseNumber();

    [GeneratedRegex(@"ซอย|ซ\.|ถนน|ถ\.|ตำบล|ต\.|แขวง|(?<![\p{L}])(?:road|rd|street|st|lane|soi|moo|tambon|sub-?district)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AddressWord();
}
