using System.Buffers.Text;
using System.Text;

namespace PartnerGraph.GraphQL.Common;

/// <summary>Relay global object ids: the type name and the key, encoded so that clients treat them as opaque.</summary>
public static class GlobalId
{
    public static string Encode(string typeName, string key) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{typeName}:{key}"));

    public static string Encode(string typeName, long key) => Encode(typeName, key.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Reads an id; null when it is not one of ours.</summary>
    public static (string TypeName, string Key)? TryDecode(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 200)
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[Base64Url.GetMaxDecodedLength(id.Length)];
        if (Base64Url.DecodeFromChars(id, buffer, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(buffer[..written]);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0 || colon == text.Length - 1 ? null : (text[..colon], text[(colon + 1)..]);
    }

    /// <summary>Reads the numeric key of an id of the expected type, or fails with INVALID_ID.</summary>
    public static long DecodeLong(string? id, string expectedType)
    {
        if (TryDecode(id) is { } decoded && decoded.TypeName == expectedType && long.TryParse(decoded.Key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var key))
        {
            return key;
        }

        throw new UserError(ErrorCodes.InvalidId, $"That is not a {expectedType} id. Use the id field of a {expectedType}.");
    }
}
