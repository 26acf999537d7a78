using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PartnerGraph.Client;

/// <summary>
/// One operation: its document as text, or the id of a trusted document (<c>sha256:</c> and the SHA-256 of the text's
/// UTF-8 bytes, as the server registers and ships them), with its variables as JSON.
/// </summary>
public sealed class GraphQLRequest
{
    private GraphQLRequest(string? query, string? documentId, JsonObject? variables, string? operationName)
    {
        Query = query;
        DocumentId = documentId;
        Variables = variables;
        OperationName = operationName;
    }

    /// <summary>The document's text; null when sent by id.</summary>
    public string? Query { get; }

    /// <summary>The trusted document's id (<c>sha256:</c> and 64 lower-case hex digits); null when sent as text.</summary>
    public string? DocumentId { get; }

    /// <summary>The variables, or null for none.</summary>
    public JsonObject? Variables { get; }

    /// <summary>The operation to run when the document holds several.</summary>
    public string? OperationName { get; }

    /// <summary>A request that sends the document's text.</summary>
    public static GraphQLRequest FromText(string query, JsonObject? variables = null, string? operationName = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        return new(query, null, variables, operationName);
    }

    /// <summary>A request that sends a trusted document by id (see <see cref="DocumentIdOf"/>): what a trusted-documents-only client must send.</summary>
    public static GraphQLRequest ById(string documentId, JsonObject? variables = null, string? operationName = null)
    {
        if (documentId is null || !documentId.StartsWith("sha256:", StringComparison.Ordinal) || documentId.Length != 71)
        {
            throw new ArgumentException("A document id is \"sha256:\" and the 64 lower-case hex digits of the document's SHA-256.", nameof(documentId));
        }

        return new(null, documentId, variables, operationName);
    }

    /// <summary>The id the server gives a document: <c>sha256:</c> and the lower-case hex SHA-256 of its text's UTF-8 bytes, exactly as written.</summary>
    public static string DocumentIdOf(string document) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document)));

    /// <summary>This request with other variables (the same document).</summary>
    public GraphQLRequest WithVariables(JsonObject? variables) => new(Query, DocumentId, variables, OperationName);

    /// <summary>The request as GraphQL over HTTP's JSON body (and graphql-ws's subscribe payload).</summary>
    internal void WriteTo(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        if (Query is not null)
        {
            json.WriteString("query", Query);
        }

        if (DocumentId is not null)
        {
            json.WriteString("documentId", DocumentId);
        }

        if (OperationName is not null)
        {
            json.WriteString("operationName", OperationName);
        }

        if (Variables is not null)
        {
            json.WritePropertyName("variables");
            Variables.WriteTo(json);
        }

        json.WriteEndObject();
    }
}
