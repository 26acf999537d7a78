using Microsoft.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using PartnerGraph.Data;
using PartnerGraph.Domain.Audit;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PartnerGraph.Identity;

/// <summary>Every answer of the token endpoint, before it is sent: RFC 6749 error names, and an access log entry.</summary>
public static class TokenResponses
{
    public static async ValueTask ApplyAsync(OpenIddictServerEvents.ApplyTokenResponseContext context)
    {
        // RFC 6749 section 5.2: a scope the client does not hold is invalid_scope (OpenIddict says invalid_request).
        if (context.Response.Error == Errors.InvalidRequest && context.Response.ErrorUri?.EndsWith("/ID2051", StringComparison.Ordinal) == true)
        {
            context.Response.Error = Errors.InvalidScope;
        }

        var services = context.Transaction.GetHttpRequest()?.HttpContext.RequestServices;
        if (services is null)
        {
            return;
        }

        var refused = context.Response.Error is not null;
        // Only what the server knows is recorded: a registered client's id (a refused request may claim any text, even
        // an e-mail address) and a grant type this server has.
        var claimed = context.Request?.ClientId;
        var known = claimed is not null && await services.GetRequiredService<IOpenIddictApplicationManager>().FindByClientIdAsync(claimed) is not null;
        await services.GetRequiredService<AccessLogWriter>().WriteAsync(
            new AccessLogEntry
            {
                At = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime,
                ClientId = known ? claimed : claimed is null ? null : UnknownClient,
                OperationType = "token",
                OperationName = context.Request?.GrantType is GrantTypes.ClientCredentials or GrantTypes.AuthorizationCode or GrantTypes.RefreshToken ? context.Request.GrantType : null,
                DurationMs = 0,
                Outcome = refused ? AccessOutcome.Refused : AccessOutcome.Allowed,
                ErrorCodes = context.Response.Error,
            },
            CancellationToken.None);
    }

    /// <summary>The client id recorded for a token request that named no registered client.</summary>
    public const string UnknownClient = "(unknown client)";
}
