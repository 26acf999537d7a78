using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace PartnerGraph.Identity.Throttling;

/// <summary>
/// Failed client authentication at POST /connect/token, counted for the client at the address, for the address (any
/// client) and for the client (any address). Past their free failures requests are answered 429 before the secret is
/// checked. The client's own count does not slow an address that got the client a token within KnownAddressDays: a
/// partner system is not held back by someone guessing its secret elsewhere.
/// </summary>
public sealed class ClientAuthenticationThrottle(AttemptThrottle throttle, IOptions<PartnerIdentityOptions> options)
{
    private ThrottleOptions Options => options.Value.Throttle;

    /// <summary>Whether this client, from this address, must wait; a blocked attempt counts as a failure of what blocked it.</summary>
    public async Task<AttemptThrottle.Blocked?> CheckAsync(string? clientId, HttpContext http)
    {
        var keys = Keys(clientId, SourceAddress.Of(http));
        string[] checkedKeys = await throttle.RemembersAsync(keys.Pair) ? [keys.Pair, keys.Address] : [keys.Pair, keys.Address, keys.Client];
        var blocked = await throttle.BlockedAsync(checkedKeys);
        if (blocked is not null)
        {
            foreach (var key in blocked.Keys)
            {
                await throttle.FailedAsync(key, BackoffOf(key, keys));
            }
        }

        return blocked;
    }

    public async Task FailedAsync(string? clientId, HttpContext http)
    {
        var keys = Keys(clientId, SourceAddress.Of(http));
        foreach (var key in new[] { keys.Pair, keys.Address, keys.Client })
        {
            await throttle.FailedAsync(key, BackoffOf(key, keys));
        }
    }

    /// <summary>The client authenticated from this address: its failures there are forgotten and the address is known to it.</summary>
    public async Task SucceededAsync(string clientId, HttpContext http)
    {
        var keys = Keys(clientId, SourceAddress.Of(http));
        await throttle.ForgetAsync(keys.Pair);
        await throttle.RememberAsync(keys.Pair, TimeSpan.FromDays(Options.KnownAddressDays));
    }

    private Backoff BackoffOf(string key, (string Pair, string Address, string Client) keys) => Options.Backoff(
        key == keys.Pair ? Options.FailuresPerClientAndAddress : key == keys.Address ? Options.FailuresPerAddress : Options.FailuresPerClient);

    private static (string Pair, string Address, string Client) Keys(string? clientId, string address)
    {
        // The client id is as claimed: bounded, so that a made-up one cannot make a key of any length.
        var client = clientId is { Length: > 200 } ? clientId[..200] : clientId ?? "";
        return ($"token:pair:{address} {client}", $"token:address:{address}", $"token:client:{client}");
    }
}
