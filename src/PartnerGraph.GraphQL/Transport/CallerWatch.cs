using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Transport;

/// <summary>
/// Keeps checking, for a connection that outlives one request, that its token still holds: it ends when the token
/// expires or its client is disabled, so a subscription never outlives the right to it.
/// </summary>
public sealed class CallerWatch(CallerResolver callers, TimeProvider clock)
{
    /// <summary>Completes with the refusal once the token no longer admits the caller; runs until cancelled otherwise.</summary>
    public async Task<CallerResolution> UntilRefusedAsync(string token, Caller caller, TimeSpan interval, CancellationToken cancellationToken)
    {
        while (true)
        {
            var wait = interval;
            if (caller.ExpiresAt is { } expiresAt)
            {
                var left = expiresAt - clock.GetUtcNow() + TimeSpan.FromMilliseconds(50);
                wait = left < wait ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : wait;
            }

            await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
            var resolution = await callers.ResolveAsync(token, cancellationToken).ConfigureAwait(false);
            if (resolution.Caller is null)
            {
                return resolution;
            }
        }
    }
}
