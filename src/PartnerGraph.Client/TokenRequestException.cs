using System.Net;

namespace PartnerGraph.Client;

/// <summary>
/// The token endpoint refused the client credentials (OAuth's error, e.g. invalid_client, invalid_scope) or could not
/// answer (503 DATABASE_UNAVAILABLE, 429 RATE_LIMITED). Subscriptions retry a transient one and stop on the others.
/// </summary>
public sealed class TokenRequestException : Exception
{
    /// <summary>An exception for the token endpoint's answer.</summary>
    public TokenRequestException(string message, HttpStatusCode statusCode, string? error, string? code, TimeSpan? retryAfter)
        : base(message)
    {
        StatusCode = statusCode;
        Error = error;
        Code = code;
        RetryAfter = retryAfter;
    }

    /// <summary>Creates an exception with a message only.</summary>
    public TokenRequestException()
    {
    }

    /// <summary>Creates an exception with a message only.</summary>
    public TokenRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and its cause.</summary>
    public TokenRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The HTTP status of the token endpoint's answer.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>OAuth's error code (RFC 6749 section 5.2): invalid_client, invalid_scope, temporarily_unavailable...</summary>
    public string? Error { get; }

    /// <summary>PartnerGraph's code beside it, when it gives one (RATE_LIMITED, DATABASE_UNAVAILABLE).</summary>
    public string? Code { get; }

    /// <summary>How long the server asked to wait, if it said.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>True when trying again later may succeed (429, or the server unavailable); false for wrong credentials or scopes.</summary>
    public bool IsTransient => StatusCode == HttpStatusCode.TooManyRequests || (int)StatusCode >= 500;
}
