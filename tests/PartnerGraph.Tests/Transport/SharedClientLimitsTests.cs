using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PartnerGraph.Data;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Pipeline;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Transport;

/// <summary>
/// A client's rate and slots counted once for all instances, in a real redis-server: two limiters here stand for two
/// instances (each with its own connection to Redis), timed by one fake clock, so no test waits on the wall clock.
/// </summary>
public sealed class SharedClientLimitsTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(DateTimeOffset.UtcNow);
    private readonly List<IDisposable> owned = [];
    private RedisServer redis = null!;

    public async Task InitializeAsync() => redis = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var disposable in owned)
        {
            disposable.Dispose();
        }

        await redis.DisposeAsync();
    }

    [Fact]
    public async Task Two_instances_give_a_client_its_burst_once_and_refill_it_at_its_rate()
    {
        var limits = new QueryLimitsOptions { Burst = 3, RequestsPerMinute = 60 };
        var a = RateLimiter(limits);
        var b = RateLimiter(limits);

        Assert.Null(await a.TryTakeAsync("wvft-system"));
        Assert.Null(await b.TryTakeAsync("wvft-system"));
        Assert.Null(await a.TryTakeAsync("wvft-system"));
        Assert.Equal(TimeSpan.FromSeconds(1), await b.TryTakeAsync("wvft-system"));
        Assert.Null(await b.TryTakeAsync("atd-system"));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await a.TryTakeAsync("wvft-system"));
        Assert.NotNull(await b.TryTakeAsync("wvft-system"));
    }

    [Fact]
    public async Task Without_redis_each_instance_counts_alone_and_keeps_answering()
    {
        var limits = new QueryLimitsOptions { Burst = 1, RequestsPerMinute = 60 };
        var a = RateLimiter(limits);
        var b = RateLimiter(limits);
        Assert.Null(await a.TryTakeAsync("wvft-system"));
        Assert.NotNull(await b.TryTakeAsync("wvft-system"));

        await redis.StopAsync();

        Assert.Null(await a.TryTakeAsync("wvft-system"));
        Assert.Null(await b.TryTakeAsync("wvft-system"));
        Assert.NotNull(await b.TryTakeAsync("wvft-system"));
    }

    [Fact]
    public async Task Two_instances_share_a_clients_slots_and_give_them_back()
    {
        var a = Slots(cap: 2);
        var b = Slots(cap: 2);

        var first = await a.TryTakeAsync(SlotKind.Connection, "wvft-system");
        var second = await b.TryTakeAsync(SlotKind.Connection, "wvft-system");
        var third = await a.TryTakeAsync(SlotKind.Connection, "wvft-system");
        var otherKind = await a.TryTakeAsync(SlotKind.Subscription, "wvft-system");

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(third);
        Assert.NotNull(otherKind);
        await second!.DisposeAsync();
        Assert.NotNull(await a.TryTakeAsync(SlotKind.Connection, "wvft-system"));
    }

    [Fact]
    public async Task The_slots_of_an_instance_that_stopped_renewing_them_lapse_and_the_living_ones_stay()
    {
        var killed = Slots(cap: 2);
        var living = Slots(cap: 2);
        Assert.NotNull(await killed.TryTakeAsync(SlotKind.Connection, "wvft-system"));
        Assert.NotNull(await living.TryTakeAsync(SlotKind.Connection, "wvft-system"));
        Assert.Null(await living.TryTakeAsync(SlotKind.Connection, "wvft-system"));

        // The first instance is gone without giving its slot back; the second renews its own as it does every ten seconds.
        killed.Dispose();
        clock.Advance(TimeSpan.FromSeconds(20));
        await living.RenewAsync();
        clock.Advance(TimeSpan.FromSeconds(11));

        Assert.NotNull(await living.TryTakeAsync(SlotKind.Connection, "wvft-system"));
        Assert.Null(await living.TryTakeAsync(SlotKind.Connection, "wvft-system"));
    }

    private RedisClientRateLimiter RateLimiter(QueryLimitsOptions limits)
    {
        var options = Options.Create(limits);
        return new RedisClientRateLimiter(Connect(), new LocalClientRateLimiter(options, clock), options, clock, NullLogger<RedisClientRateLimiter>.Instance);
    }

    private RedisClientSlots Slots(int cap)
    {
        var options = Options.Create(new QueryLimitsOptions { MaxConnectionsPerClient = cap, MaxSubscriptionsPerClient = cap });
        var slots = new RedisClientSlots(Connect(), new LocalClientSlots(options), options, clock, NullLogger<RedisClientSlots>.Instance);
        owned.Add(slots);
        return slots;
    }

    private SharedRedis Connect()
    {
        var connection = new SharedRedis(redis.Connection + ",connectRetry=1,connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000", NullLogger<SharedRedis>.Instance);
        owned.Add(connection);
        return connection;
    }
}
