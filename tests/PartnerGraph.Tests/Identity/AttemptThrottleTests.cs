using Microsoft.Extensions.Logging.Abstractions;
using PartnerGraph.Identity.Throttling;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Identity;

/// <summary>The counting under the throttles: the backoff's schedule, and counts that stay exact under parallel attempts, in memory and in Redis.</summary>
public sealed class AttemptThrottleTests
{
    [Fact]
    public void After_the_free_failures_each_one_blocks_twice_as_long_up_to_the_cap()
    {
        var backoff = new Backoff(5, TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(300));
        Assert.Equal([0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300], Enumerable.Range(1, 16).Select(n => backoff.BlockAfter(n).TotalSeconds));
        Assert.Equal(TimeSpan.FromSeconds(300), backoff.BlockAfter(long.MaxValue));
    }

    [Fact]
    public async Task Parallel_attempts_are_each_counted_once_in_memory()
    {
        using var store = new MemoryAttemptStore();
        await AssertCountsExactlyAsync(store);
    }

    [Fact]
    public async Task Parallel_attempts_are_each_counted_once_in_redis_and_counters_expire()
    {
        await using var redis = await RedisServer.StartAsync();
        using var store = new RedisAttemptStore(redis.Connection, NullLogger<RedisAttemptStore>.Instance);
        await AssertCountsExactlyAsync(store);
    }

    private static async Task AssertCountsExactlyAsync(AttemptStore store)
    {
        var counts = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => store.IncrementAsync("k", TimeSpan.FromMinutes(1)))));
        Assert.Equal(Enumerable.Range(1, 200).Select(n => (long)n), counts.Order());
        var remaining = (await store.RemainingAsync(["k", "never-set"]));
        Assert.InRange(remaining[0]!.Value.TotalSeconds, 1, 60);
        Assert.Null(remaining[1]);

        await store.DeleteAsync(["k"]);
        Assert.Null((await store.RemainingAsync(["k"]))[0]);
        Assert.Equal(1, await store.IncrementAsync("k", TimeSpan.FromMinutes(1)));
    }
}
