using System.Text.Json;

namespace PartnerGraph.Client;

/// <summary>Where PartnerGraph is, who the client is, and how it keeps its token and its subscriptions alive.</summary>
public sealed class PartnerGraphClientOptions
{
    /// <summary>The server's base address, e.g. https://partnergraph.example.org/ (GraphQL at /graphql, tokens at /connect/token).</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The client id the operator registered for your system (<c>clients add</c>).</summary>
    public string? ClientId { get; set; }

    /// <summary>The client's secret; keep it out of source control.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The scopes to ask for; none asks for every scope the client holds.</summary>
    public IList<string> Scopes { get; } = [];

    /// <summary>
    /// How long before its expiry a token is replaced (at most half its lifetime): a request never goes out with a token
    /// about to expire, and a subscription reconnects with a fresh one.
    /// </summary>
    public TimeSpan RefreshTokenBefore { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The first wait before a subscription reconnects; it doubles each failed attempt, up to <see cref="MaxReconnectDelay"/>, with jitter.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two reconnection attempts.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A subscription that hears nothing for this long (the server pings every 15 s) takes the connection for dead and
    /// reconnects; also how long connecting and connection_ack may take.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// Used for your result types and variables in the overloads that take no JsonTypeInfo; set its TypeInfoResolver to
    /// your JsonSerializerContext to stay free of reflection. Web defaults (camelCase) when not set.
    /// </summary>
    public JsonSerializerOptions? SerializerOptions { get; set; }

    /// <summary>
    /// Send the client's own documents (the referral feed) by their id (<c>documentId</c>) rather than their text: for a
    /// trusted-documents-only client, once the operator has registered follow-referral-changes.graphql (shipped in the
    /// package) with <c>documents add --client CLIENT follow-referral-changes.graphql</c>.
    /// </summary>
    public bool SendDocumentsById { get; set; }

    /// <summary>Told each time a subscription connects or loses its connection (with why, and when it tries again): for your logs.</summary>
    public Action<Subscriptions.SubscriptionEvent>? OnSubscriptionEvent { get; set; }

    /// <summary>The clock tokens expire by (a fake one in tests).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal Uri GraphQLAddress => new(Endpoint!, "graphql");

    internal Uri TokenAddress => new(Endpoint!, "connect/token");

    internal Uri WebSocketAddress
    {
        get
        {
            var builder = new UriBuilder(GraphQLAddress);
            builder.Scheme = builder.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
            return builder.Uri;
        }
    }

    internal void Validate()
    {
        if (Endpoint is null || !Endpoint.IsAbsoluteUri || (Endpoint.Scheme != Uri.UriSchemeHttp && Endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("Set Endpoint to the server's absolute http(s) address, e.g. https://partnergraph.example.org/.", nameof(Endpoint));
        }

        if (string.IsNullOrEmpty(ClientId) || string.IsNullOrEmpty(ClientSecret))
        {
            throw new ArgumentException("Set ClientId and ClientSecret to the credentials the operator gave your system.", nameof(ClientId));
        }

        if (ReconnectDelay <= TimeSpan.Zero || MaxReconnectDelay < ReconnectDelay || IdleTimeout <= TimeSpan.Zero || RefreshTokenBefore < TimeSpan.Zero)
        {
            throw new ArgumentException("ReconnectDelay and IdleTimeout must be positive, MaxReconnectDelay at least ReconnectDelay, RefreshTokenBefore not negative.");
        }
    }
}
