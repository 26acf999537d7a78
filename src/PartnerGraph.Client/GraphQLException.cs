using System.Net;
using System.Text.Json;

namespace PartnerGraph.Client;

/// <summary>
/// The server answered with GraphQL errors: Code is the first error's extensions.code, Errors every error. A request
/// refused before it ran (token, rate, limits, trusted documents) carries its HTTP status and, when the server gave
/// one, how long to wait.
/// </summary>
public sealed class GraphQLException : Exception
{
    /// <summary>An exception for the errors given.</summary>
    public GraphQLException(IReadOnlyList<GraphQLError> errors, HttpStatusCode? statusCode = null, TimeSpan? retryAfter = null, JsonElement? partialData = null)
        : base(Describe(errors, statusCode))
    {
        Errors = errors;
        StatusCode = statusCode;
        RetryAfter = retryAfter;
        PartialData = partialData;
    }

    /// <summary>Creates an exception with a message only (no error list).</summary>
    public GraphQLException()
        : this([])
    {
    }

    /// <summary>Creates an exception with a message only (no error list).</summary>
    public GraphQLException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Creates an exception with a message and its cause (no error list).</summary>
    public GraphQLException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>The first error's extensions.code (e.g. PAGE_SIZE_TOO_LARGE, CONCURRENT_UPDATE, RATE_LIMITED).</summary>
    public string? Code => Errors.Select(e => e.Code).FirstOrDefault(c => c is not null);

    /// <summary>Every error the server sent.</summary>
    public IReadOnlyList<GraphQLError> Errors { get; }

    /// <summary>The HTTP status of the answer, when it came over HTTP (null over WebSocket).</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>How long the server asked to wait before trying again (429, 503), if it said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The data the server returned beside the errors (fields that did not fail), if any.</summary>
    public JsonElement? PartialData { get; }

    private static string Describe(IReadOnlyList<GraphQLError> errors, HttpStatusCode? status) =>
        (errors.Count == 0 ? "The server answered with an error" : string.Join("; ", errors.Select(e => e.ToString())))
        + (status is { } s ? $" (HTTP {(int)s})" : "");
}
