using System.Text.Json;
using GraphQL;
using Microsoft.AspNetCore.Http;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.GraphQL.Transport.Http;

/// <summary>A GraphQL request as it arrived: the document and its parameters.</summary>
public sealed record GraphQLRequest(string Query, string? OperationName, Inputs? Variables, Inputs? Extensions);

/// <summary>A request that is not a well-formed GraphQL-over-HTTP request: its status code and error.</summary>
public sealed class BadGraphQLRequestException(int statusCode, string code, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
    public string Code { get; } = code;
}

/// <summary>Reads GET query strings and POST JSON bodies into a GraphQLRequest, refusing anything malformed.</summary>
public sealed class GraphQLRequestReader(IGraphQLSerializer serializer)
{
    public GraphQLRequest ReadGet(IQueryCollection query)
    {
        var text = query["query"];
        if (text.Count != 1 || string.IsNullOrEmpty(text[0]))
        {
            throw new BadGraphQLRequestException(400, ErrorCodes.BadRequest, "A GET request needs exactly one query parameter holding the GraphQL document.");
        }

        return new GraphQLRequest(
            text[0]!,
            Single(query, "operationName"),
            ParseMap(Single(query, "variables"), "variables"),
            ParseMap(Single(query, "extensions"), "extensions"));
    }

    public async Task<GraphQLRequest> ReadPostAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentType is null)
        {
            throw new BadGraphQLRequestException(415, ErrorCodes.UnsupportedMediaType, "Send the request with Content-Type: application/json.");
        }

        if (!MediaTypes.IsJson(request.ContentType))
        {
            throw new BadGraphQLRequestException(415, ErrorCodes.UnsupportedMediaType, $"Content-Type '{GlobalId.Truncate(request.ContentType)}' is not supported; send application/json in UTF-8.");
        }

        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        var body = await ReadBodyAsync(request.Body, maxBytes, cancellationToken);
        if (body.Length == 0)
        {
            throw new BadGraphQLRequestException(400, ErrorCodes.BadRequest, "The request body is empty; send {\"query\": \"...\"}.");
        }

        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            throw new BadGraphQLRequestException(400, ErrorCodes.InvalidJson, "The request body is not valid UTF-8 JSON.");
        }

        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            throw new BadGraphQLRequestException(400, ErrorCodes.InvalidJson, "The request body is not valid UTF-8 JSON.");
        }

        using (json)
        {
            return Read(json.RootElement);
        }
    }

    /// <summary>A request from its JSON object (the POST body, or the payload of a WebSocket subscribe message).</summary>
    public GraphQLRequest Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new BadGraphQLRequestException(400, ErrorCodes.BadRequest, "The request body must be one JSON object: {\"query\": \"...\", \"variables\": {...}}. Batches are not accepted.");
        }

        string? query = null;
        string? operationName = null;
        Inputs? variables = null;
        Inputs? extensions = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "query":
                    query = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()
                        : throw new BadGraphQLRequestException(400, ErrorCodes.BadRequest, "query must be a string holding the GraphQL document.");
                    break;
                case "operationName":
                    operationName = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Null => null,
                        _ => throw new BadGraphQLRequestException(400, ErrorCodes.BadRequest, "operationName must be a string or null."),
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

        if (string.IsNullOrEmpty(query))
        {
            throw new BadGraphQLRequestException(400, ErrorCodes.BadRequest, "The request has no query: send {\"query\": \"...\"}.");
        }

        return new GraphQLRequest(query, operationName, variables, extensions);
    }

    private Inputs? ReadMap(JsonElement value, string name) =>
        value.ValueKind switch
        {
            JsonValueKind.Object => serializer.ReadNode<Inputs>(value),
            JsonValueKind.Null => null,
            _ => throw new BadGraphQLRequestException(400, ErrorCodes.BadRequest, $"{name} must be a JSON object or null."),
        };

    private Inputs? ParseMap(string? text, string name)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            return ReadMap(json.RootElement, name);
        }
        catch (JsonException)
        {
            throw new BadGraphQLRequestException(400, ErrorCodes.InvalidJson, $"The {name} parameter is not valid JSON.");
        }
    }

    private static string? Single(IQueryCollection query, string name)
    {
        var values = query[name];
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => throw new BadGraphQLRequestException(400, ErrorCodes.BadRequest, $"The {name} parameter is given more than once."),
        };
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(Stream body, int maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw TooLarge(maxBytes);
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static BadGraphQLRequestException TooLarge(int maxBytes) =>
        new(413, ErrorCodes.RequestTooLarge, $"The request body is larger than {maxBytes} bytes. Send smaller documents and variables.");
}
