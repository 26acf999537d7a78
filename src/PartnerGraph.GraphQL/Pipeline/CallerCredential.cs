using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Pipeline;

/// <summary>
/// What an operation's caller is found from, again for every operation and while a connection lasts, so that each sees
/// the client as it is now: the bearer token a client presents, or what the server itself holds (a webhook's
/// registration, which derives from this).
/// </summary>
public abstract class CallerCredential
{
    /// <summary>The caller as things stand, or why there is none; fresh reads the client's state past any cache.</summary>
    public abstract Task<CallerResolution> ResolveAsync(CallerResolver callers, bool fresh, CancellationToken cancellationToken);
}

/// <summary>An access token, as the Authorization header or a connection_init payload carries it.</summary>
public sealed class BearerCredential : CallerCredential
{
    private readonly string? token;

    private BearerCredential(string? token) => this.token = token;

    /// <summary>From an authorization value, "Bearer &lt;token&gt;"; none when it holds no bearer token.</summary>
    public static BearerCredential FromAuthorization(string? authorization) => new(CallerResolver.BearerToken(authorization));

    public override Task<CallerResolution> ResolveAsync(CallerResolver callers, bool fresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callers);
        return callers.ResolveAsync(token, fresh, cancellationToken);
    }
}
