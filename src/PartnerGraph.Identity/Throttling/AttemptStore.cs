using Microsoft.Extensions.Caching.Memory;

namespace PartnerGraph.Identity.Throttling;

/// <summary>
/// Where failed attempts are counted: counters and marks that expire by themselves. Every instance of the server shares
/// them through Redis when Redis:Connection is set; otherwise (and while Redis is away) each instance keeps its own.
/// </summary>
public abstract class AttemptStore
{
    /// <summary>Adds one to the key's counter and (re)starts its lifetime; returns the new count. Atomic.</summary>
    public abstract Task<long> IncrementAsync(string key, TimeSpan lifetime);

    /// <summary>Sets a mark that lasts for the time given (a block, a known address).</summary>
    public abstract Task MarkAsync(string key, TimeSpan lifetime);

    /// <summary>For each key, how long its mark or counter has left, or null when it has none.</summary>
    public abstract Task<TimeSpan?[]> RemainingAsync(IReadOnlyList<string> keys);

    public abstract Task DeleteAsync(IReadOnlyList<string> keys);
}

/// <summary>
/// The counters of this instance alone, in memory, for at most MaxKeys keys, so that a flood of made-up client ids or
/// addresses cannot fill it (past that, new keys are not counted until old ones expire).
/// </summary>
public sealed class MemoryAttemptStore : AttemptStore, IDisposable
{
    public const int MaxKeys = 100_000;

    private readonly MemoryCache entries = new(new MemoryCacheOptions { SizeLimit = MaxKeys });

    public override Task<long> IncrementAsync(string key, TimeSpan lifetime)
    {
        // One lock for every key: each step is a few memory operations, and the cache's GetOrCreate alone is not atomic.
        lock (entries)
        {
            var count = (Live(key)?.Count ?? 0) + 1;
            Set(key, count, lifetime);
            return Task.FromResult(count);
        }
    }

    public override Task MarkAsync(string key, TimeSpan lifetime)
    {
        lock (entries)
        {
            Set(key, 1, lifetime);
        }

        return Task.CompletedTask;
    }

    public override Task<TimeSpan?[]> RemainingAsync(IReadOnlyList<string> keys)
    {
        lock (entries)
        {
            return Task.FromResult(keys.Select(k => Live(k) is { } e ? e.ExpiresAt - DateTimeOffset.UtcNow : (TimeSpan?)null).ToArray());
        }
    }

    public override Task DeleteAsync(IReadOnlyList<string> keys)
    {
        lock (entries)
        {
            foreach (var key in keys)
            {
                entries.Remove(key);
            }
        }

        return Task.CompletedTask;
    }

    public void Dispose() => entries.Dispose();

    private Entry? Live(string key) => entries.TryGetValue(key, out Entry? entry) && entry!.ExpiresAt > DateTimeOffset.UtcNow ? entry : null;

    private void Set(string key, long count, TimeSpan lifetime)
    {
        var expiresAt = DateTimeOffset.UtcNow + lifetime;
        entries.Set(key, new Entry(count, expiresAt), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpiration = expiresAt });
    }

    private sealed record Entry(long Count, DateTimeOffset ExpiresAt);
}
