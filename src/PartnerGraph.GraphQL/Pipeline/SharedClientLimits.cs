using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerGraph.Data;
using PartnerGraph.GraphQL.Common;
using StackExchange.Redis;

namespace PartnerGraph.GraphQL.Pipeline;

/// <summary>
/// Several instances (Redis:Connection set): one bucket per client in Redis, so a client gets its rate once, not once
/// per instance. A script takes a request atomically, by the same cell rate algorithm as one instance alone, in
/// microseconds of the instances' clocks. While Redis is away each instance counts alone again (its own buckets).
/// </summary>
public sealed partial class RedisClientRateLimiter(SharedRedis redis, LocalClientRateLimiter alone, IOptions<QueryLimitsOptions> options, TimeProvider clock, ILogger<RedisClientRateLimiter> logger)
    : ClientRateLimiter(options.Value)
{
    // KEYS[1]: the client's bucket; ARGV: now, interval, capacity (µs). -1 when taken, else µs until there is one.
    private const string TakeScript = """
        local now = tonumber(ARGV[1])
        local interval = tonumber(ARGV[2])
        local capacity = tonumber(ARGV[3])
        local full = tonumber(redis.call('GET', KEYS[1]) or '0')
        if full < now then full = now end
        local debt = full - now + interval
        if debt > capacity then return math.max(1, math.ceil(debt - capacity)) end
        redis.call('SET', KEYS[1], string.format('%.0f', full + interval), 'PX', math.ceil((full + interval - now) / 1000) + 1000)
        return -1
        """;

    public override async ValueTask<TimeSpan?> TryTakeAsync(string clientKey)
    {
        ArgumentNullException.ThrowIfNull(clientKey);
        if (!redis.IsConnected)
        {
            return await alone.TryTakeAsync(clientKey).ConfigureAwait(false);
        }

        try
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds() * 1000;
            var result = (long)await redis.Database.ScriptEvaluateAsync(TakeScript, [(RedisKey)("partnergraph:rate:" + clientKey)],
                [now, (long)Interval.TotalMicroseconds, (long)Capacity.TotalMicroseconds]).ConfigureAwait(false);
            return result < 0 ? null : TimeSpan.FromMicroseconds(result);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogAlone(logger, e.GetType().Name);
            return await alone.TryTakeAsync(clientKey).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request rates counted by this instance alone: Redis did not answer ({Error})")]
    private static partial void LogAlone(ILogger logger, string error);
}

/// <summary>
/// Several instances: each client's connections and subscriptions are members of a sorted set in Redis, scored by when
/// they lapse. This instance renews the slots it holds every ten seconds and each lapses thirty seconds after its last
/// renewal, so the slots of an instance that was killed come free within thirty seconds. A take counts only the slots
/// not lapsed. While Redis is away each instance counts alone again (its own slots); the renewal puts every slot it
/// held back in Redis when it returns.
/// </summary>
public sealed partial class RedisClientSlots : ClientSlots, IDisposable
{
    private static readonly TimeSpan Lapse = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(10);

    // KEYS[1]: the client's set; ARGV: now, lapse (ms since the epoch), cap, member. 1 when taken.
    private const string TakeScript = """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
        redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
        redis.call('PEXPIREAT', KEYS[1], ARGV[2])
        return 1
        """;

    private readonly SharedRedis redis;
    private readonly LocalClientSlots alone;
    private readonly TimeProvider clock;
    private readonly ILogger<RedisClientSlots> logger;
    private readonly ConcurrentDictionary<string, RedisKey> held = new(StringComparer.Ordinal);
    private readonly ITimer renewal;

    public RedisClientSlots(SharedRedis redis, LocalClientSlots alone, IOptions<QueryLimitsOptions> options, TimeProvider clock, ILogger<RedisClientSlots> logger)
        : base(options)
    {
        this.redis = redis;
        this.alone = alone;
        this.clock = clock;
        this.logger = logger;
        renewal = clock.CreateTimer(_ => _ = RenewAsync(), null, RenewEvery, RenewEvery);
    }

    public override async ValueTask<IAsyncDisposable?> TryTakeAsync(SlotKind kind, string clientKey)
    {
        ArgumentNullException.ThrowIfNull(clientKey);
        if (!redis.IsConnected)
        {
            return await alone.TryTakeAsync(kind, clientKey).ConfigureAwait(false);
        }

        var key = (RedisKey)$"partnergraph:slots:{kind.ToString().ToLowerInvariant()}:{clientKey}";
        var member = Guid.NewGuid().ToString("N");
        try
        {
            var now = clock.GetUtcNow();
            var taken = (long)await redis.Database.ScriptEvaluateAsync(TakeScript, [key],
                [now.ToUnixTimeMilliseconds(), (now + Lapse).ToUnixTimeMilliseconds(), Cap(kind), member]).ConfigureAwait(false);
            if (taken == 0)
            {
                return null;
            }
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogAlone(logger, e.GetType().Name);
            return await alone.TryTakeAsync(kind, clientKey).ConfigureAwait(false);
        }

        held[member] = key;
        return new Lease(ReleaseAsync);

        async ValueTask ReleaseAsync()
        {
            held.TryRemove(member, out _);
            try
            {
                await redis.Database.SortedSetRemoveAsync(key, member).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // It lapses by itself.
                LogAlone(logger, e.GetType().Name);
            }
        }
    }

    public void Dispose() => renewal.Dispose();

    internal async Task RenewAsync()
    {
        if (held.IsEmpty || !redis.IsConnected)
        {
            return;
        }

        var lapse = (clock.GetUtcNow() + Lapse).ToUnixTimeMilliseconds();
        try
        {
            var renewals = held.Select(slot => redis.Database.ScriptEvaluateAsync(
                "redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2]) redis.call('PEXPIREAT', KEYS[1], ARGV[1]) return 1",
                [slot.Value], [lapse.ToString(CultureInfo.InvariantCulture), slot.Key]));
            await Task.WhenAll(renewals).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogAlone(logger, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Connection and subscription slots counted by this instance alone: Redis did not answer ({Error})")]
    private static partial void LogAlone(ILogger logger, string error);
}
