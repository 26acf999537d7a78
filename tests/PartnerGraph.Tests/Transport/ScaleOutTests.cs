using System.Text.Json.Nodes;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Transport;

/// <summary>
/// Two server processes on one SQLite database and a real redis-server: a subscriber on one instance gets every change
/// made on the other, and when Redis goes away and comes back nothing is lost (the outbox poll is set to a minute, so
/// events that arrive sooner came through Redis); a client's rate and caps hold once across both.
/// </summary>
public sealed class ScaleOutTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_subscriber_on_one_instance_gets_every_change_made_on_the_other_even_across_a_redis_outage()
    {
        await using var redis = await RedisServer.StartAsync();
        var database = await TestDatabase.CopyAsync();
        var settings = new Dictionary<string, string>
        {
            ["Redis__Connection"] = redis.Connection + ",connectRetry=1,connectTimeout=1000",
            ["Subscriptions__PollMilliseconds"] = "60000",
        };
        await using var a = await ServerProcess.StartAsync(settings, database);
        await using var b = await ServerProcess.StartAsync(settings, database);
        var atdOnB = new GraphQLClient(new HttpClient { BaseAddress = b.Url }, await b.TokenAsync());
        var shelterOnB = new GraphQLClient(new HttpClient { BaseAddress = b.Url }, await b.TokenAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret));
        Assert.Equal("ready", await ReadinessAsync(a));

        var (_, start) = await ReferralsFlow.CreateAsync(atdOnB);
        await using var subscriber = await NodeProcess.SubscribeAsync("ws", a.Url, await a.TokenAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret), events: 15, after: start);
        var expected = await ReferralsFlow.CompleteOneAsync(atdOnB, shelterOnB);
        var received = await subscriber.SequencesAsync(5, Wait);
        Assert.Equal(expected, received);

        // Redis goes away: reads and writes go on, readiness says degraded, and the changes wait in the outbox.
        await redis.StopAsync();
        Assert.Equal("degraded", await EventuallyAsync(() => ReadinessAsync(a), "degraded"));
        var duringOutage = await ReferralsFlow.CompleteOneAsync(atdOnB, shelterOnB);
        expected.AddRange(duringOutage);

        // Redis comes back: the instance catches up from the outbox at once, well before its one-minute poll.
        await redis.RestartAsync();
        Assert.Equal("ready", await EventuallyAsync(() => ReadinessAsync(a), "ready"));
        expected.AddRange(await ReferralsFlow.CompleteOneAsync(atdOnB, shelterOnB));
        received.AddRange(await subscriber.SequencesAsync(10, Wait));

        Assert.Equal(expected, received);
    }

    [Fact]
    public async Task With_redis_a_client_gets_its_rate_and_its_connection_cap_once_for_all_instances()
    {
        await using var redis = await RedisServer.StartAsync();
        var database = await TestDatabase.CopyAsync();
        var settings = new Dictionary<string, string>
        {
            ["Redis__Connection"] = redis.Connection,
            ["GraphQL__Limits__RequestsPerMinute"] = "1",
            ["GraphQL__Limits__Burst"] = "3",
            ["GraphQL__Limits__MaxConnectionsPerClient"] = "1",
        };
        await using var a = await ServerProcess.StartAsync(settings, database);
        await using var b = await ServerProcess.StartAsync(settings, database);
        var token = await a.TokenAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        await using var onA = await TransportClient.ConnectAsync(TransportClient.Http, a.Url, token);
        await using var onB = await TransportClient.ConnectAsync(TransportClient.Http, b.Url, token);

        Assert.Empty((await onA.RunAsync("{ viewer { clientId } }")).Codes);
        Assert.Empty((await onB.RunAsync("{ viewer { clientId } }")).Codes);
        Assert.Empty((await onA.RunAsync("{ viewer { clientId } }")).Codes);
        Assert.Equal("RATE_LIMITED", (await onB.RunAsync("{ viewer { clientId } }")).Code);

        await using var socketOnA = (WsClient)await TransportClient.ConnectAsync(TransportClient.WebSocket, a.Url, token);
        await using var socketOnB = (WsClient)await TransportClient.ConnectAsync(TransportClient.WebSocket, b.Url, token);
        Assert.Equal(1008, (await socketOnB.Closed.WaitAsync(TimeSpan.FromSeconds(30))).Code);
        Assert.False(socketOnA.Closed.IsCompleted);
    }

    private static async Task<string> ReadinessAsync(ServerProcess server)
    {
        using var http = new HttpClient { BaseAddress = server.Url };
        return JsonNode.Parse(await http.GetStringAsync("/readyz"))!["status"]!.GetValue<string>();
    }

    private static async Task<string> EventuallyAsync(Func<Task<string>> read, string wanted)
    {
        var value = await read();
        for (var attempt = 0; attempt < 100 && value != wanted; attempt++)
        {
            await Task.Delay(200);
            value = await read();
        }

        return value;
    }
}
