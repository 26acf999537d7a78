namespace PartnerGraph.Tests.Infrastructure;

/// <summary>
/// Unique names for what a test creates (client ids, operation names). Letters only: a GUID's hex can hold a run of
/// 13 digits (a national id to the personal-data guard) or a letter and 6 to 8 digits (a passport number), and the
/// server rightly refuses those.
/// </summary>
public static class UniqueNames
{
    /// <summary>Up to 16 random lowercase letters (one per byte of a GUID).</summary>
    public static string Letters(int length = 16)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, 16);
        return string.Concat(Guid.NewGuid().ToByteArray().Take(length).Select(b => (char)('a' + (b % 26))));
    }

    public static string Of(string prefix, int length = 16) => prefix + Letters(length);
}
