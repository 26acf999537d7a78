using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.GraphQL.Transport.Http;

/// <summary>
/// A token bucket per client: Burst requests at once, refilled at RequestsPerMinute. Refused requests are not
/// queued: the caller answers 429 with Retry-After at once, so a busy client cannot hold server resources waiting.
/// </summary>
public sealed class ClientRateLimiter(IOptions<QueryLimitsOptions> options) : IDisposable
{
    // One shared timer of the partitioned limiter refills every bucket and drops the full ones of idle clients.
    private readonly PartitionedRateLimiter<string> buckets = CreateBuckets(options.Value);

    /// <summary>Takes one request from the client's bucket; when it is empty, says how long until there is one.</summary>
    /// <param name="clientKey">Who is asking: the caller's organisation or client id (the remote address for anonymous callers).</param>
    /// <param name="retryAfter">Zero when allowed; otherwise whole seconds to wait, at least 1, for a Retry-After header.</param>
    public bool TryAcquire(string clientKey, out TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(clientKey);
        using var lease = buckets.AttemptAcquire(clientKey);
        if (lease.IsAcquired)
        {
            retryAfter = TimeSpan.Zero;
            return true;
        }

        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var suggested) ? suggested : TimeSpan.FromSeconds(1);
        retryAfter = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(wait.TotalSeconds)));
        return false;
    }

    public void Dispose() => buckets.Dispose();

    private static PartitionedRateLimiter<string> CreateBuckets(QueryLimitsOptions limits)
    {
        if (limits.RequestsPerMinute < 1 || limits.Burst < 1)
        {
            throw new OptionsValidationException(QueryLimitsOptions.Section, typeof(QueryLimitsOptions),
                [$"{QueryLimitsOptions.Section}:RequestsPerMinute and :Burst must be at least 1 (they are {limits.RequestsPerMinute} and {limits.Burst})."]);
        }

        // The shared timer tops buckets up every 100 ms in proportion to the time passed, so the rate is exact; the
        // period only sets the RetryAfter a refused lease reports (one period), so it is kept near a second:
        // 600 a minute is 10 tokens a second, 90 a minute 2 tokens every 1.33 s.
        var tokensPerPeriod = (limits.RequestsPerMinute + 59) / 60;
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.Burst,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1) * tokensPerPeriod / limits.RequestsPerMinute,
            QueueLimit = 0,
            AutoReplenishment = false,
        };
        return PartitionedRateLimiter.Create<string, string>(
            clientKey => RateLimitPartition.GetTokenBucketLimiter(clientKey, _ => bucket),
            StringComparer.Ordinal);
    }
}
