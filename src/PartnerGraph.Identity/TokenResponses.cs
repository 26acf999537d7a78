using Microsoft.AspNetCore;
using Microsoft.Extensions.DependencyInjection;
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
        // The client id is recorded as claimed: for a refused request it is what the caller tried, not who it is.
        await services.GetRequiredService<AccessLogWriter>().WriteAsync(
            new AccessLogEntry
            {
                At = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime,
                ClientId = Truncate(context.Request?.ClientId),
                OperationType = "token",
                OperationName = Truncate(context.Request?.GrantType),
                DurationMs = 0,
                Outcome = refused ? AccessOutcome.Refused : AccessOutcome.Allowed,
                ErrorCodes = context.Response.Error,
            },
            CancellationToken.None);
    }

    private static string? Truncate(string? text) => text is { Length: > 100 } ? text[..100] : text;
}
