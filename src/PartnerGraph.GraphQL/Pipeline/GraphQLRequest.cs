using GraphQL;

namespace PartnerGraph.GraphQL.Pipeline;

/// <summary>
/// A GraphQL request as it arrived: the document (empty when only its id was sent) and its parameters. Automatic: the
/// id came as Apollo's extensions.persistedQuery (automatic persisted queries), not as a trusted documentId.
/// </summary>
public sealed record GraphQLRequest(string Query, string? OperationName, Inputs? Variables, Inputs? Extensions, string? DocumentId = null, bool Automatic = false);

/// <summary>How an operation reached the server: the transport it came by, or none when the server runs it itself.</summary>
public enum TransportKind
{
    /// <summary>No client connection: the server runs a stored operation itself (a webhook's subscription).</summary>
    None,
    Http,
    ServerSentEvents,
    WebSocket,
}

/// <summary>
/// Why an operation was refused before it ran: the code for extensions.code, a message a person can act on, and the
/// HTTP status an answer over HTTP carries (other transports have their own way to say it).
/// </summary>
public sealed record OperationRefusal(int StatusCode, string Code, string Message)
{
    /// <summary>When to try again (429, 503), for a Retry-After header or a message.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The WWW-Authenticate challenge of a refused token (401).</summary>
    public string? Challenge { get; init; }

    /// <summary>What a program needs to act on the refusal (limit, value, retryAfter ...); each entry becomes a key of extensions.</summary>
    public IReadOnlyDictionary<string, object?>? Details { get; init; }

    /// <summary>The refusal as the one error of a response, with its code and details.</summary>
    public ExecutionError ToError() => new PartnerGraph.GraphQL.Common.UserError(Code, Message, Details);

    /// <summary>The caller itself is no longer admitted (a token expired, a client disabled): a connection it holds ends too.</summary>
    public bool RefusesCaller => StatusCode == 401;
}

/// <summary>A step of the pipeline (or a transport reading a request for it) refuses the operation before it runs.</summary>
public sealed class OperationRefusedException(OperationRefusal refusal) : Exception(refusal.Message)
{
    public OperationRefusedException(int statusCode, string code, string message)
        : this(new OperationRefusal(statusCode, code, message))
    {
    }

    public OperationRefusal Refusal { get; } = refusal;
}
