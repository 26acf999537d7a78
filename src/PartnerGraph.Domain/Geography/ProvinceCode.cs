using System.Diagnostics.CodeAnalysis;

namespace PartnerGraph.Domain.Geography;

/// <summary>Reads a province code as partners write it: "TH-50" (ISO 3166-2) or "50" (DOPA).</summary>
public static class ProvinceCode
{
    public static bool TryNormalise(string? input, [NotNullWhen(true)] out string? dopaCode)
    {
        dopaCode = null;
        if (string.IsNullOrWhiteSpace(input))
        {
            return false;
        }

        var text = input.Trim();
        if (text.StartsWith("TH-", StringComparison.OrdinalIgnoreCase))
        {
            text = text[3..];
        }

        if (text.Length != 2 || !char.IsAsciiDigit(text[0]) || !char.IsAsciiDigit(text[1]) || text[0] == '0')
        {
            return false;
        }

        dopaCode = text;
        return true;
    }
}
