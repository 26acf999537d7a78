using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Domain.Referrals;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Transport;

/// <summary>
/// A replay (after: 0) cannot make the server do unbounded work for one message: it is read 20 events a page, and
/// each page takes one request of the client's rate, waiting while the rate is spent.
/// </summary>
public sealed class ReplayTests
{
    [Fact]
    public async Task A_replay_is_read_a_page_at_a_time_and_each_page_is_paid_from_the_clients_rate()
    {
        const int Burst = 5;
        var database = await TestDatabase.CopyAsync();
        await using (var db = new PartnerGraphDbContext(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.Sqlite, TestDatabase.ConnectionString(database))))
        {
            Assert.True(await db.OutboxEvents.CountAsync(ReferralVisibility.SentOrReceivedBy<OutboxEvent>("atd")) > Burst * 20, "ATD needs more events on record than the burst pays for");
        }

        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["GraphQL__Limits__RequestsPerMinute"] = "1",
            ["GraphQL__Limits__Burst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, database);
        var token = await server.TokenAsync();
        await using var ws = await WsTestClient.ConnectAsync(new Uri(server.Url.ToWs(), "/graphql"));
        await ws.InitAsync(token);

        // The subscribe message takes one request; the other four pay for four pages of 20.
        await ws.SendAsync(new JsonObject { ["id"] = "replay", ["type"] = "subscribe", ["payload"] = new JsonObject { ["query"] = "subscription { referralStatusChanged(after: 0) { sequence } }" } });
        var received = 0;
        while (received < (Burst - 1) * 20)
        {
            Assert.Equal("next", (await ws.NextMessageAsync())["type"]!.GetValue<string>());
            received++;
        }

        // The rate is spent: the client's next request is refused, and the replay waits for the rate (a request a minute).
        using var http = new HttpClient { BaseAddress = server.Url };
        var refused = await new GraphQLClient(http, token).PostAsync("{ viewer { clientId } }");
        await ws.SendAsync("{\"type\":\"ping\"}");
        var afterPing = await ws.NextMessageAsync();

        Assert.Equal("RATE_LIMITED", refused.FirstErrorCode);
        Assert.True(refused.Errors![0]!["extensions"]!["retryAfter"]!.GetValue<int>() >= 1, refused.Body.ToJsonString());
        Assert.Equal("pong", afterPing["type"]!.GetValue<string>());
    }
}
