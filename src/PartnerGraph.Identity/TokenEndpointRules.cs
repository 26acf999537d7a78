using System.Globalization;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using PartnerGraph.Data;
using PartnerGraph.Domain.Audit;
using PartnerGraph.Identity.Throttling;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PartnerGraph.Identity;

/// <summary>
/// The token endpoint's own rules around OpenIddict's: slowed clients and addresses, scopes a client holds, and every
/// answer's status, throttle count and access log entry.
/// </summary>
public static class TokenEndpointRules
{
    public const string RateLimited = "RATE_LIMITED";

    private const string RetryAfterProperty = ".partnergraph.retry_after";

    /// <summary>
    /// Before the secret is checked: a client or address slowed by failed authentications gets invalid_client (RFC 6749
    /// section 5.2: the client was not authenticated) with 429 and Retry-After, whatever secret it sent.
    /// </summary>
    public static async ValueTask RefuseWhileSlowedAsync(OpenIddictServerEvents.ValidateTokenRequestContext context)
    {
        if (context.Transaction.GetHttpRequest()?.HttpContext is not { } http)
        {
            return;
        }

        var blocked = await http.RequestServices.GetRequiredService<ClientAuthenticationThrottle>().CheckAsync(context.ClientId, http);
        if (blocked is not null)
        {
            context.Transaction.SetProperty(RetryAfterProperty, blocked.Seconds.ToString(CultureInfo.InvariantCulture));
            context.Reject(Errors.InvalidClient, $"Too many failed client authentications from this address or for this client: the secret was not checked. Try again in {blocked.Seconds} s.");
        }
    }

    /// <summary>
    /// No client holds openid or offline_access: this server issues access tokens for its API, no id_token and no
    /// refresh token. OpenIddict would grant openid to any client (and answer invalid_request to offline_access).
    /// </summary>
    public static ValueTask RefuseProtocolScopes(OpenIddictServerEvents.ValidateTokenRequestContext context)
    {
        if (context.Request.HasScope(OpenIddictConstants.Scopes.OpenId) || context.Request.HasScope(OpenIddictConstants.Scopes.OfflineAccess))
        {
            context.Reject(Errors.InvalidScope, "This server gives access tokens for its API only: no client holds openid or offline_access.");
        }

        return default;
    }

    /// <summary>
    /// After the client is authenticated: a scope it does not hold is invalid_scope (RFC 6749 section 5.2), where
    /// OpenIddict says invalid_request.
    /// </summary>
    public static async ValueTask RefuseScopesNotHeldAsync(OpenIddictServerEvents.ValidateTokenRequestContext context)
    {
        var requested = context.Request.GetScopes();
        if (requested.IsEmpty || context.ClientId is null || context.Transaction.GetHttpRequest()?.HttpContext is not { } http)
        {
            return;
        }

        var held = await http.RequestServices.GetRequiredService<PartnerClientRegistry>().ScopesAsync(context.ClientId, http.RequestAborted);
        if (requested.Any(s => !held.Contains(s, StringComparer.Ordinal)))
        {
            context.Reject(Errors.InvalidScope, $"Ask only for scopes this client holds: {string.Join(' ', held)}.");
        }
    }

    /// <summary>Every answer, before it is written: 429 for a slowed request, the throttle's count, and an access log entry.</summary>
    public static async ValueTask ApplyAsync(OpenIddictServerEvents.ApplyTokenResponseContext context)
    {
        if (context.Transaction.GetHttpRequest()?.HttpContext is not { } http)
        {
            return;
        }

        var services = http.RequestServices;
        var throttle = services.GetRequiredService<ClientAuthenticationThrottle>();
        var clientId = context.Request?.ClientId;
        var retryAfter = context.Transaction.GetProperty<string>(RetryAfterProperty);
        if (retryAfter is not null)
        {
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            http.Response.Headers.RetryAfter = retryAfter;
            http.Response.Headers.Remove(HeaderNames.WWWAuthenticate);
            context.Response.SetParameter("code", RateLimited);
        }
        else if (context.Response.Error == Errors.InvalidClient)
        {
            await throttle.FailedAsync(clientId, http);
        }
        else if (context.Response.Error is null && clientId is not null && context.Request!.IsClientCredentialsGrantType())
        {
            await throttle.SucceededAsync(clientId, http);
        }

        // Only what the server knows is recorded: a registered client's id (a refused request may claim any text, even
        // an e-mail address) and a grant type this server has.
        var known = clientId is not null && await services.GetRequiredService<IOpenIddictApplicationManager>().FindByClientIdAsync(clientId) is not null;
        await services.GetRequiredService<AccessLogWriter>().WriteAsync(
            new AccessLogEntry
            {
                At = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime,
                ClientId = known ? clientId : clientId is null ? null : UnknownClient,
                OperationType = "token",
                OperationName = context.Request?.GrantType is GrantTypes.ClientCredentials or GrantTypes.AuthorizationCode or GrantTypes.RefreshToken ? context.Request.GrantType : null,
                DurationMs = 0,
                Outcome = context.Response.Error is null ? AccessOutcome.Allowed : AccessOutcome.Refused,
                ErrorCodes = retryAfter is null ? context.Response.Error : RateLimited,
            },
            CancellationToken.None);
    }

    /// <summary>The client id recorded for a token request that named no registered client.</summary>
    public const string UnknownClient = "(unknown client)";
}
