using System.Text.Json;

namespace PartnerGraph.Client;

/// <summary>One error of a GraphQL response: its message, its code (extensions.code), where it happened and every extension.</summary>
public sealed class GraphQLError
{
    internal GraphQLError(string message, IReadOnlyList<string> path, IReadOnlyDictionary<string, JsonElement> extensions)
    {
        Message = message;
        Path = path;
        Extensions = extensions;
        Code = extensions.TryGetValue("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null;
    }

    /// <summary>What went wrong, in words a person can act on.</summary>
    public string Message { get; }

    /// <summary>extensions.code: a stable code such as REFERRAL_TRANSITION_NOT_ALLOWED, PAGE_SIZE_TOO_LARGE or RATE_LIMITED.</summary>
    public string? Code { get; }

    /// <summary>The response path of the field that failed (names and indexes as text); empty for a request error.</summary>
    public IReadOnlyList<string> Path { get; }

    /// <summary>Every extension the server sent with the error, code included.</summary>
    public IReadOnlyDictionary<string, JsonElement> Extensions { get; }

    /// <inheritdoc/>
    public override string ToString() => Code is null ? Message : $"{Code}: {Message}";

    /// <summary>The errors of a JSON array of GraphQL errors (a response's errors, or a graphql-ws error message's payload).</summary>
    internal static List<GraphQLError> ListOf(JsonElement errors)
    {
        var list = new List<GraphQLError>();
        if (errors.ValueKind != JsonValueKind.Array)
        {
            return list;
        }

        foreach (var error in errors.EnumerateArray())
        {
            if (error.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
            var path = error.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.Array
                ? p.EnumerateArray().Select(segment => segment.ValueKind == JsonValueKind.String ? segment.GetString()! : segment.GetRawText()).ToList()
                : [];
            var extensions = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            if (error.TryGetProperty("extensions", out var e) && e.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in e.EnumerateObject())
                {
                    extensions[property.Name] = property.Value.Clone();
                }
            }

            list.Add(new GraphQLError(message, path, extensions));
        }

        return list;
    }
}
