using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.GraphQL.Pipeline;

/// <summary>
/// A token bucket per client: Burst requests at once, refilled at RequestsPerMinute. Every operation takes one, by
/// whatever transport it comes, and so does each page of a subscription's replay. Refused operations are not queued:
/// the caller answers at once with when to try again, so a busy client cannot hold server resources waiting.
/// </summary>
/// <remarks>
/// Kept as the generic cell rate algorithm: one time per client, when its bucket would be full again (its debt); each
/// request adds one interval to it, and is refused when the debt would pass Burst intervals. Integers only, the same
/// here and in Redis's script.
/// </remarks>
public abstract class ClientRateLimiter
{
    protected ClientRateLimiter(QueryLimitsOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        if (limits.RequestsPerMinute < 1 || limits.Burst < 1)
        {
            throw new OptionsValidationException(QueryLimitsOptions.Section, typeof(QueryLimitsOptions),
                [$"{QueryLimitsOptions.Section}:RequestsPerMinute and :Burst must be at least 1 (they are {limits.RequestsPerMinute} and {limits.Burst})."]);
        }

        Interval = TimeSpan.FromMinutes(1) / limits.RequestsPerMinute;
        Capacity = Interval * limits.Burst;
    }

    /// <summary>The time one request's token takes to come back.</summary>
    protected TimeSpan Interval { get; }

    /// <summary>The most debt a bucket holds: Burst intervals.</summary>
    protected TimeSpan Capacity { get; }

    /// <summary>Takes one request from the client's bucket: null when taken, else how long until there is one.</summary>
    /// <param name="clientKey">Whose bucket: see <see cref="ClientKey"/>.</param>
    public abstract ValueTask<TimeSpan?> TryTakeAsync(string clientKey);

    /// <summary>Takes one request from the client's bucket, waiting for it when the bucket is empty (paced work the client asked for).</summary>
    public async Task TakeAsync(string clientKey, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clock);
        while (await TryTakeAsync(clientKey).ConfigureAwait(false) is { } wait)
        {
            await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>One instance alone: the buckets are in its memory, timed by its clock.</summary>
public sealed class LocalClientRateLimiter(IOptions<QueryLimitsOptions> options, TimeProvider clock) : ClientRateLimiter(options.Value)
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);
    private readonly long started = clock.GetTimestamp();
    private readonly ConcurrentDictionary<string, Bucket> buckets = new(StringComparer.Ordinal);
    private long nextSweep;

    public override ValueTask<TimeSpan?> TryTakeAsync(string clientKey)
    {
        ArgumentNullException.ThrowIfNull(clientKey);
        var now = clock.GetElapsedTime(started);
        SweepFullBuckets(now);
        var bucket = buckets.GetOrAdd(clientKey, _ => new Bucket());
        lock (bucket)
        {
            var full = bucket.FullAt > now ? bucket.FullAt : now;
            var debt = full - now + Interval;
            if (debt > Capacity)
            {
                return ValueTask.FromResult<TimeSpan?>(debt - Capacity);
            }

            bucket.FullAt = full + Interval;
            return ValueTask.FromResult<TimeSpan?>(null);
        }
    }

    /// <summary>A bucket that has filled up again says nothing a new one would not: idle clients' buckets are dropped.</summary>
    private void SweepFullBuckets(TimeSpan now)
    {
        var due = Interlocked.Read(ref nextSweep);
        if (now.Ticks < due || Interlocked.CompareExchange(ref nextSweep, (now + SweepInterval).Ticks, due) != due)
        {
            return;
        }

        foreach (var (key, bucket) in buckets)
        {
            lock (bucket)
            {
                if (bucket.FullAt <= now)
                {
                    buckets.TryRemove(new KeyValuePair<string, Bucket>(key, bucket));
                }
            }
        }
    }

    private sealed class Bucket
    {
        /// <summary>When the bucket is full again, given what was taken.</summary>
        public TimeSpan FullAt { get; set; }
    }
}
