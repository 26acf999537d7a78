using System.Net;
using Microsoft.AspNetCore.Http;

namespace PartnerGraph.Identity.Throttling;

/// <summary>
/// How many failures a key may have within Window (counted from its last failure) before each further one blocks it:
/// for 1 s, then twice as long each time, up to MaxBlock.
/// </summary>
public sealed record Backoff(int FreeFailures, TimeSpan Window, TimeSpan MaxBlock)
{
    public TimeSpan BlockAfter(long failures) =>
        failures <= FreeFailures ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(MaxBlock.TotalSeconds, Math.Pow(2, Math.Min(30, failures - FreeFailures - 1))));
}

/// <summary>
/// Failed attempts by key (a client, a source address, a pair of them, a browser): counted, and past a key's free
/// failures the key is blocked. A blocked attempt is answered without being checked, and counts as one more failure of
/// the keys that blocked it, so that guessing on regardless keeps its source blocked.
/// </summary>
public sealed class AttemptThrottle(AttemptStore store)
{
    /// <summary>The longest block among the keys still to run, and the keys blocked; null when none is.</summary>
    public async Task<Blocked?> BlockedAsync(IReadOnlyList<string> keys)
    {
        var remaining = await store.RemainingAsync(keys.Select(Block).ToList());
        var blocking = keys.Where((_, i) => remaining[i] > TimeSpan.Zero).ToList();
        return blocking.Count == 0 ? null : new Blocked(remaining.Max()!.Value, blocking);
    }

    /// <summary>Counts a failure of the key; past its free failures the key is blocked, longer each time.</summary>
    public async Task FailedAsync(string key, Backoff backoff)
    {
        var failures = await store.IncrementAsync(Failures(key), backoff.Window);
        if (backoff.BlockAfter(failures) is { Ticks: > 0 } block)
        {
            await store.MarkAsync(Block(key), block);
        }
    }

    /// <summary>Forgets the key's failures and block (a success).</summary>
    public Task ForgetAsync(string key) => store.DeleteAsync([Failures(key), Block(key)]);

    /// <summary>Counts one attempt of the key before it is checked; the count returned decides whether it may be (atomic).</summary>
    public Task<long> CountAttemptAsync(string key, TimeSpan window) => store.IncrementAsync(Failures(key), window);

    /// <summary>Remembers the key (an address that authenticated a client) for the time given.</summary>
    public Task RememberAsync(string key, TimeSpan lifetime) => store.MarkAsync("known:" + key, lifetime);

    public async Task<bool> RemembersAsync(string key) => (await store.RemainingAsync(["known:" + key]))[0] is not null;

    private static string Failures(string key) => "failures:" + key;

    private static string Block(string key) => "blocked:" + key;

    public sealed record Blocked(TimeSpan For, IReadOnlyList<string> Keys)
    {
        /// <summary>Retry-After, in whole seconds (at least 1).</summary>
        public int Seconds => Math.Max(1, (int)Math.Ceiling(For.TotalSeconds));
    }
}

/// <summary>The source of a request as a throttle counts it: an IPv4 address, or the /64 network of an IPv6 one (one subscriber's share).</summary>
public static class SourceAddress
{
    public static string Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var address = http.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return address.ToString();
    }
}
