using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace PartnerGraph.Identity.Throttling;

/// <summary>
/// The counters every instance shares, in Redis (Redis:Connection). While Redis cannot be reached each instance counts
/// on its own in memory rather than wait or let everything through; it logs the switch once each way.
/// </summary>
public sealed partial class RedisAttemptStore : AttemptStore, IDisposable
{
    private const string Prefix = "partnergraph:attempts:";

    // INCR and PEXPIRE together, so that a counter never lives on without a lifetime.
    private static readonly LuaScript Increment = LuaScript.Prepare("local n = redis.call('INCR', @key) redis.call('PEXPIRE', @key, @milliseconds) return n");

    private readonly ConnectionMultiplexer redis;
    private readonly MemoryAttemptStore fallback = new();
    private readonly ILogger<RedisAttemptStore> logger;
    private int usingFallback;

    public RedisAttemptStore(string configuration, ILogger<RedisAttemptStore> logger)
    {
        this.logger = logger;
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false; // start without Redis, connect when it comes
        options.BacklogPolicy = BacklogPolicy.FailFast; // while Redis is away, count in memory at once rather than wait
        options.ClientName = "partnergraph-attempts";
        redis = ConnectionMultiplexer.Connect(options);
    }

    public override Task<long> IncrementAsync(string key, TimeSpan lifetime) =>
        UseAsync(
            async db => (long)await db.ScriptEvaluateAsync(Increment, new { key = (RedisKey)(Prefix + key), milliseconds = (long)lifetime.TotalMilliseconds }),
            () => fallback.IncrementAsync(key, lifetime));

    public override Task MarkAsync(string key, TimeSpan lifetime) =>
        UseAsync(
            async db => await db.StringSetAsync(Prefix + key, 1, lifetime),
            async () =>
            {
                await fallback.MarkAsync(key, lifetime);
                return true;
            });

    public override Task<TimeSpan?[]> RemainingAsync(IReadOnlyList<string> keys) =>
        UseAsync(
            async db =>
            {
                var batch = db.CreateBatch();
                var ttls = keys.Select(k => batch.KeyTimeToLiveAsync(Prefix + k)).ToList();
                batch.Execute();
                return await Task.WhenAll(ttls);
            },
            () => fallback.RemainingAsync(keys));

    public override Task DeleteAsync(IReadOnlyList<string> keys) =>
        UseAsync(
            async db => await db.KeyDeleteAsync(keys.Select(k => (RedisKey)(Prefix + k)).ToArray()),
            async () =>
            {
                await fallback.DeleteAsync(keys);
                return 0L;
            });

    public void Dispose()
    {
        redis.Dispose();
        fallback.Dispose();
    }

    private async Task<T> UseAsync<T>(Func<IDatabase, Task<T>> shared, Func<Task<T>> local)
    {
        if (redis.IsConnected)
        {
            try
            {
                var result = await shared(redis.GetDatabase());
                if (Interlocked.Exchange(ref usingFallback, 0) == 1)
                {
                    LogShared();
                }

                return result;
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // Counted locally below.
            }
        }

        if (Interlocked.Exchange(ref usingFallback, 1) == 0)
        {
            LogLocal();
        }

        return await local();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis cannot be reached: failed sign-ins and client authentications are counted by this instance alone until it is back")]
    private partial void LogLocal();

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis is back: failed sign-ins and client authentications are counted for every instance again")]
    private partial void LogShared();
}
