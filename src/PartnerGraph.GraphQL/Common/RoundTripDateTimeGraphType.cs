using System.Globalization;
using GraphQL.Types;

namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// GraphQL.NET's DateTime scalar, written faster: the same text (ISO 8601, the fraction of a second without trailing
/// zeros, Z for UTC), made from the runtime's round-trip format ("O") instead of a custom format string, which was
/// about 6% of the executer's own time on a page of referrals (316 values). Registered in place of the built-in scalar.
/// </summary>
public sealed class RoundTripDateTimeGraphType : DateTimeGraphType
{
    private const int FractionStart = 20; // "yyyy-MM-ddTHH:mm:ss." is 20 characters, then 7 digits of the fraction
    private const int FractionDigits = 7;

    public RoundTripDateTimeGraphType()
    {
        Name = "DateTime";
    }

    public override object? Serialize(object? value) => value is DateTime time ? Format(time) : base.Serialize(value);

    public static string Format(DateTime time)
    {
        Span<char> text = stackalloc char[40];
        time.TryFormat(text, out var length, "O", CultureInfo.InvariantCulture);
        var digits = FractionDigits;
        while (digits > 0 && text[FractionStart + digits - 1] == '0')
        {
            digits--;
        }

        var kind = text[(FractionStart + FractionDigits)..length];
        return digits == 0
            ? string.Concat(text[..(FractionStart - 1)], kind)
            : string.Concat(text[..(FractionStart + digits)], kind);
    }
}
