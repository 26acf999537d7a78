using System.Buffers;
using System.Text.Json;
using GraphQL;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Pipeline;

namespace PartnerGraph.GraphQL.Transport.Http;

/// <summary>Reads GET query strings and POST JSON bodies into a GraphQLRequest, refusing anything malformed.</summary>
public sealed class GraphQLRequestReader(IGraphQLSerializer serializer, IOptions<QueryLimitsOptions> limits, IOptions<GraphQLHttpOptions> options)
{
    /// <summary>Deepest JSON accepted in a body or a parameter: far deeper than any input type of the schema nests.</summary>
    public const int MaxJsonDepth = 64;

    /// <summary>The request of a GET or a POST; any other method is refused with 405.</summary>
    public async ValueTask<GraphQLRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (HttpMethods.IsGet(request.Method))
        {
            return ReadGet(request.Query);
        }

        return HttpMethods.IsPost(request.Method)
            ? await ReadPostAsync(request, options.Value.MaxRequestBytes, cancellationToken)
            : throw new OperationRefusedException(405, ErrorCodes.MethodNotAllowed, "Use POST, or GET for queries.");
    }

    private GraphQLRequest ReadGet(IQueryCollection query)
    {
        var text = query["query"];
        var extensions = ParseMap(Single(query, "extensions"), "extensions");
        var documentId = Single(query, "documentId");
        var automatic = documentId is null && PersistedQueryHash(extensions) is { } hash && (documentId = hash) is not null;
        if (text.Count > 1 || (string.IsNullOrEmpty(text.FirstOrDefault()) && documentId is null))
        {
            throw new OperationRefusedException(400, ErrorCodes.BadRequest, "A GET request needs exactly one query parameter holding the GraphQL document, or a documentId.");
        }

        return new GraphQLRequest(
            text.FirstOrDefault() ?? "",
            Single(query, "operationName"),
            ParseMap(Single(query, "variables"), "variables"),
            extensions,
            documentId,
            automatic);
    }

    private async Task<GraphQLRequest> ReadPostAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentType is null)
        {
            throw new OperationRefusedException(415, ErrorCodes.UnsupportedMediaType, "Send the request with Content-Type: application/json.");
        }

        if (!MediaTypes.IsJson(request.ContentType))
        {
            throw new OperationRefusedException(415, ErrorCodes.UnsupportedMediaType, "This Content-Type is not supported; send application/json in UTF-8.");
        }

        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        var (rented, length) = await ReadBodyAsync(request.Body, maxBytes, request.ContentLength, cancellationToken);
        try
        {
            var body = rented.AsMemory(0, length);
            if (body.Length == 0)
            {
                throw new OperationRefusedException(400, ErrorCodes.BadRequest, "The request body is empty; send {\"query\": \"...\"}.");
            }

            if (!System.Text.Unicode.Utf8.IsValid(body.Span))
            {
                throw new OperationRefusedException(400, ErrorCodes.InvalidJson, "The request body is not valid UTF-8 JSON.");
            }

            JsonDocument json;
            try
            {
                json = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
            }
            catch (JsonException)
            {
                throw new OperationRefusedException(400, ErrorCodes.InvalidJson, "The request body is not valid UTF-8 JSON.");
            }

            // The document reads the rented bytes in place: the request is made of them before they go back.
            using (json)
            {
                return Read(json.RootElement);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>A request from its JSON object (the POST body, or the payload of a WebSocket subscribe message).</summary>
    public GraphQLRequest Read(JsonElement root)
    {
        try
        {
            return ReadObject(root);
        }
        catch (InvalidOperationException)
        {
            // A string with a lone surrogate (\ud800) is valid JSON but no text; reading it throws.
            throw new OperationRefusedException(400, ErrorCodes.InvalidJson, "The request holds a string that is not valid Unicode (a lone surrogate escape).");
        }
    }

    private GraphQLRequest ReadObject(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new OperationRefusedException(400, ErrorCodes.BadRequest, "The request body must be one JSON object: {\"query\": \"...\", \"variables\": {...}}. Batches are not accepted.");
        }

        string? query = null;
        string? documentId = null;
        string? operationName = null;
        Inputs? variables = null;
        Inputs? extensions = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "query":
                    query = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()
                        : throw new OperationRefusedException(400, ErrorCodes.BadRequest, "query must be a string holding the GraphQL document.");
                    break;
                case "documentId":
                    documentId = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Null => null,
                        _ => throw new OperationRefusedException(400, ErrorCodes.BadRequest, "documentId must be a string: \"sha256:\" and the document's hash."),
                    };
                    break;
                case "operationName":
                    operationName = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Null => null,
                        _ => throw new OperationRefusedException(400, ErrorCodes.BadRequest, "operationName must be a string or null."),
                    };
                    break;
                case "variables":
                    variables = ReadMap(property.Value, "variables");
                    break;
                case "extensions":
                    extensions = ReadMap(property.Value, "extensions");
                    break;
                default:
                    break;
            }
        }

        var automatic = documentId is null && PersistedQueryHash(extensions) is { } hash && (documentId = hash) is not null;
        if (string.IsNullOrEmpty(query) && documentId is null)
        {
            throw new OperationRefusedException(400, ErrorCodes.BadRequest, "The request has no query: send {\"query\": \"...\"} or {\"documentId\": \"sha256:...\"}.");
        }

        return new GraphQLRequest(query ?? "", operationName, variables, extensions, documentId, automatic);
    }

    /// <summary>
    /// Apollo's automatic persisted queries, extensions.persistedQuery { version: 1, sha256Hash }, as a documentId; null
    /// without it. Another version is refused with PERSISTED_QUERY_NOT_SUPPORTED, which Apollo's clients act on.
    /// </summary>
    private static string? PersistedQueryHash(Inputs? extensions)
    {
        if (extensions?.TryGetValue("persistedQuery", out var persisted) != true || persisted is null)
        {
            return null;
        }

        if (persisted is not IDictionary<string, object?> fields
            || !fields.TryGetValue("version", out var version) || version is not (1 or 1L))
        {
            throw new OperationRefusedException(400, ErrorCodes.PersistedQueryNotSupported, "Only version 1 of automatic persisted queries is supported: extensions.persistedQuery { version: 1, sha256Hash }.");
        }

        return fields.TryGetValue("sha256Hash", out var hash) && hash is string hex
            ? "sha256:" + hex
            : throw new OperationRefusedException(400, ErrorCodes.BadRequest, "extensions.persistedQuery.sha256Hash must be the 64 lower-case hex digits of the document's SHA-256.");
    }

    private Inputs? ReadMap(JsonElement value, string name)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                if (LongestArray(value) is var longest && longest > limits.Value.MaxListItems)
                {
                    throw new OperationRefusedException(new OperationRefusal(400, ErrorCodes.MaxListItemsExceeded, $"{name} holds a list of more than {limits.Value.MaxListItems} items; at most {limits.Value.MaxListItems} are allowed. Split the request.")
                    {
                        Details = new Dictionary<string, object?> { ["limit"] = limits.Value.MaxListItems, ["value"] = longest },
                    });
                }

                return serializer.ReadNode<Inputs>(value);
            case JsonValueKind.Null:
                return null;
            default:
                throw new OperationRefusedException(400, ErrorCodes.BadRequest, $"{name} must be a JSON object or null.");
        }
    }

    /// <summary>The most items of any array inside the value; walked without recursion (the parser already bounds depth).</summary>
    private static int LongestArray(JsonElement value)
    {
        var longest = 0;
        var pending = new Stack<JsonElement>();
        pending.Push(value);
        while (pending.TryPop(out var element))
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Array:
                    longest = Math.Max(longest, element.GetArrayLength());
                    foreach (var item in element.EnumerateArray())
                    {
                        pending.Push(item);
                    }

                    break;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        pending.Push(property.Value);
                    }

                    break;
            }
        }

        return longest;
    }

    private Inputs? ParseMap(string? text, string name)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
            return ReadMap(json.RootElement, name);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new OperationRefusedException(400, ErrorCodes.InvalidJson, $"The {name} parameter is not valid JSON.");
        }
    }

    private static string? Single(IQueryCollection query, string name)
    {
        var values = query[name];
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => throw new OperationRefusedException(400, ErrorCodes.BadRequest, $"The {name} parameter is given more than once."),
        };
    }

    /// <summary>
    /// The body in a buffer of the shared pool, sized by its Content-Length when it has one (the caller returns it):
    /// a buffer of its own per request was the largest allocation of a small query's request (16 KB and more).
    /// </summary>
    private static async Task<(byte[] Rented, int Length)> ReadBodyAsync(Stream body, int maxBytes, long? contentLength, CancellationToken cancellationToken)
    {
        // One byte more than announced, so that the end of the body is seen without growing the buffer.
        var buffer = ArrayPool<byte>.Shared.Rent(contentLength is { } announced && announced <= maxBytes ? (int)announced + 1 : 4096);
        var length = 0;
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
            {
                length += read;
                if (length > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(2L * buffer.Length, maxBytes + 1L));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static OperationRefusedException TooLarge(int maxBytes) =>
        new(413, ErrorCodes.RequestTooLarge, $"The request body is larger than {maxBytes} bytes. Send smaller documents and variables.");
}
