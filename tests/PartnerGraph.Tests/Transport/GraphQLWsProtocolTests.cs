using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Identity;
using PartnerGraph.Tests.Identity;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Transport;

/// <summary>graphql-transport-ws rule by rule, with a bare WebSocket that breaks each rule on purpose.</summary>
public sealed class GraphQLWsProtocolTests : IAsyncLifetime
{
    private const string Subscription = "subscription { referralStatusChanged { sequence status } }";
    private PartnerGraphApp app = null!;
    private string token = null!;

    public async Task InitializeAsync()
    {
        app = await PartnerGraphApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["GraphQL:WebSockets:ConnectionInitTimeoutSeconds"] = "1",
            ["GraphQL:WebSockets:KeepAliveSeconds"] = "1",
            ["Identity:ClientStatusCacheSeconds"] = "0",
        });
        token = await app.TokenAsync(TestDatabase.AllScopesClient, TestDatabase.AllScopesSecret);
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Without_connection_init_in_time_the_socket_closes_4408()
    {
        await using var ws = await WsTestClient.ConnectAsync(app);

        Assert.Equal(4408, await ws.ClosedWithAsync());
    }

    [Fact]
    public async Task Subscribe_before_the_ack_closes_4401()
    {
        await using var ws = await WsTestClient.ConnectAsync(app);

        await ws.SendAsync(Subscribe("1", Subscription));

        Assert.Equal(4401, await ws.ClosedWithAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-a-token")]
    [InlineData("Basic dXNlcjpwYXNz")]
    public async Task A_missing_or_bad_token_closes_4403(string? authorization)
    {
        await using var ws = await WsTestClient.ConnectAsync(app);

        await ws.SendAsync(new JsonObject { ["type"] = "connection_init", ["payload"] = new JsonObject { ["authorization"] = authorization } });

        Assert.Equal(4403, await ws.ClosedWithAsync());
    }

    [Fact]
    public async Task A_token_of_another_server_closes_4403()
    {
        var crafted = (await TokenCrafting.ForAsync(app)).Create(signing: TokenCrafting.AnotherKey());
        await using var ws = await WsTestClient.ConnectAsync(app);

        await ws.SendAsync(new JsonObject { ["type"] = "connection_init", ["payload"] = new JsonObject { ["authorization"] = "Bearer " + crafted } });

        Assert.Equal(4403, await ws.ClosedWithAsync());
    }

    [Fact]
    public async Task A_second_connection_init_closes_4429()
    {
        await using var ws = await WsTestClient.ConnectAsync(app);
        await ws.InitAsync(token);

        await ws.SendAsync(new JsonObject { ["type"] = "connection_init", ["payload"] = new JsonObject { ["authorization"] = "Bearer " + token } });

        Assert.Equal(4429, await ws.ClosedWithAsync());
    }

    [Fact]
    public async Task A_second_subscriber_with_an_active_id_closes_4409()
    {
        await using var ws = await WsTestClient.ConnectAsync(app);
        await ws.InitAsync(token);

        await ws.SendAsync(Subscribe("same", Subscription));
        await ws.SendAsync(Subscribe("same", Subscription));

        Assert.Equal(4409, await ws.ClosedWithAsync());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"id\":\"1\"}")]
    [InlineData("{\"type\":42}")]
    [InlineData("{\"type\":\"start\",\"id\":\"1\"}")]
    [InlineData("{\"type\":\"next\",\"id\":\"1\",\"payload\":{}}")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"type\":\"subscribe\",\"id\":\"1\"}")]
    [InlineData("{\"type\":\"subscribe\",\"id\":\"1\",\"payload\":{\"query\":7}}")]
    public async Task A_malformed_message_closes_4400(string message)
    {
        await using var ws = await WsTestClient.ConnectAsync(app);
        await ws.InitAsync(token);

        await ws.SendAsync(message);

        Assert.Equal(4400, await ws.ClosedWithAsync());
    }

    [Fact]
    public async Task A_10_MB_message_closes_1009_and_the_server_keeps_serving()
    {
        await using var ws = await WsTestClient.ConnectAsync(app);
        await ws.InitAsync(token);

        var huge = "{\"type\":\"subscribe\",\"id\":\"1\",\"payload\":{\"query\":\"" + new string('a', 10 * 1024 * 1024) + "\"}}";
        try
        {
            await ws.SendAsync(huge);
        }
        catch (System.Net.WebSockets.WebSocketException)
        {
            // the server may close before the whole message is sent
        }

        Assert.Equal(1009, await ws.ClosedWithAsync());
        await using var next = await WsTestClient.ConnectAsync(app);
        await next.InitAsync(token);
    }

    [Fact]
    public async Task Garbage_bytes_in_a_text_frame_close_4400()
    {
        await using var ws = await WsTestClient.ConnectAsync(app);
        await ws.InitAsync(token);

        await ws.Socket.SendAsync(new byte[] { 0xff, 0xfe, 0x00, 0x7b, 0xc3, 0x28 }, System.Net.WebSockets.WebSocketMessageType.Text, true, CancellationToken.None);

        Assert.Equal(4400, await ws.ClosedWithAsync());
    }

    [Fact]
    public async Task A_binary_frame_closes_4400()
    {
        await using var ws = await WsTestClient.ConnectAsync(app);
        await ws.InitAsync(token);

        await ws.Socket.SendAsync(new byte[] { 1, 2, 3 }, System.Net.WebSockets.WebSocketMessageType.Binary, true, CancellationToken.None);

        Assert.Equal(4400, await ws.ClosedWithAsync());
    }

    [Fact]
    public async Task Another_sub_protocol_is_not_accepted()
    {
        await using var ws = await WsTestClient.ConnectAsync(app, subProtocol: null);

        Assert.Equal(4406, await ws.ClosedWithAsync());
    }

    [Fact]
    public async Task Ping_is_answered_with_pong_and_the_server_pings_an_idle_connection()
    {
        await using var ws = await WsTestClient.ConnectAsync(app);
        await ws.InitAsync(token);

        await ws.SendAsync("{\"type\":\"ping\"}");
        var seen = new List<string>();
        while (!(seen.Contains("pong") && seen.Contains("ping")))
        {
            seen.Add((await ws.ReceiveAsync())!["type"]!.GetValue<string>());
        }

        await ws.SendAsync("{\"type\":\"pong\"}");
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, ws.Socket.State);
    }

    [Fact]
    public async Task A_query_over_subscribe_answers_next_then_complete_and_a_bad_one_answers_error()
    {
        await using var ws = await WsTestClient.ConnectAsync(app);
        await ws.InitAsync(token);

        await ws.SendAsync(Subscribe("q", "{ viewer { organisation { slug } } }"));
        var next = await ws.NextMessageAsync();
        var complete = await ws.NextMessageAsync();
        await ws.SendAsync(Subscribe("bad", "subscription { referralStatusChanged { noSuchField } }"));
        var error = await ws.NextMessageAsync();

        Assert.Equal(("next", "q", "atd"), (next["type"]!.GetValue<string>(), next["id"]!.GetValue<string>(), next["payload"]!["data"]!["viewer"]!["organisation"]!["slug"]!.GetValue<string>()));
        Assert.Equal(("complete", "q"), (complete["type"]!.GetValue<string>(), complete["id"]!.GetValue<string>()));
        Assert.Equal(("error", "bad"), (error["type"]!.GetValue<string>(), error["id"]!.GetValue<string>()));
        Assert.NotEmpty(error["payload"]!.AsArray());
    }

    [Fact]
    public async Task Events_arrive_until_the_client_completes_the_subscription()
    {
        await using var ws = await WsTestClient.ConnectAsync(app);
        await ws.InitAsync(token);
        var client = await app.GraphQLAsync();

        await ws.SendAsync(Subscribe("s", Subscription));
        await Task.Delay(300);
        var (created, _) = await ReferralsFlow.CreateAsync(client);
        var first = await ws.NextMessageAsync();
        await ws.SendAsync("{\"type\":\"complete\",\"id\":\"s\"}");
        await Task.Delay(300);
        await ReferralsFlow.MoveAsync(client, "withdrawReferral", created, 1);
        await ws.SendAsync(Subscribe("q", "{ viewer { scopes } }"));
        var afterComplete = await ws.NextMessageAsync();

        Assert.Equal(("next", "s", "SUBMITTED"), (first["type"]!.GetValue<string>(), first["id"]!.GetValue<string>(), first["payload"]!["data"]!["referralStatusChanged"]!["status"]!.GetValue<string>()));
        Assert.Equal("q", afterComplete["id"]!.GetValue<string>()); // no event of the completed subscription came first
    }

    [Fact]
    public async Task An_id_that_json_must_escape_comes_back_as_sent_in_events_and_complete()
    {
        const string id = "quote\" backslash\\ tab\t ข";
        await using var ws = await WsTestClient.ConnectAsync(app);
        await ws.InitAsync(token);
        var client = await app.GraphQLAsync();

        await ws.SendAsync(Subscribe(id, Subscription));
        await Task.Delay(300);
        await ReferralsFlow.CreateAsync(client);
        var next = await ws.NextMessageAsync();
        await ws.SendAsync(Subscribe(id + "q", "{ viewer { scopes } }"));
        var answer = await ws.NextMessageAsync();
        var complete = await ws.NextMessageAsync();

        Assert.Equal(("next", id, "SUBMITTED"), (next["type"]!.GetValue<string>(), next["id"]!.GetValue<string>(), next["payload"]!["data"]!["referralStatusChanged"]!["status"]!.GetValue<string>()));
        Assert.Equal(("next", id + "q"), (answer["type"]!.GetValue<string>(), answer["id"]!.GetValue<string>()));
        Assert.Equal(("complete", id + "q"), (complete["type"]!.GetValue<string>(), complete["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task When_the_token_expires_the_socket_closes_4403()
    {
        var shortLived = (await TokenCrafting.ForAsync(app)).Create(expires: DateTime.UtcNow.AddSeconds(3));
        await using var ws = await WsTestClient.ConnectAsync(app);
        await ws.InitAsync(shortLived);
        await ws.SendAsync(Subscribe("s", Subscription));

        Assert.Equal(4403, await ws.ClosedWithAsync(seconds: 20));
    }

    [Fact]
    public async Task When_the_client_is_disabled_the_socket_closes_4403()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>();
        await registry.AddAsync("atd", "test-soon-disabled", [Scopes.ReferralsRead], "test-secret-soon-disabled-0123456");
        var disabledSoon = await app.TokenAsync("test-soon-disabled", "test-secret-soon-disabled-0123456");
        await using var ws = await WsTestClient.ConnectAsync(app);
        await ws.InitAsync(disabledSoon);
        await ws.SendAsync(Subscribe("s", Subscription));

        await registry.DisableAsync("test-soon-disabled");

        Assert.Equal(4403, await ws.ClosedWithAsync());
    }

    private static JsonObject Subscribe(string id, string query) =>
        new() { ["id"] = id, ["type"] = "subscribe", ["payload"] = new JsonObject { ["query"] = query } };
}

/// <summary>Referral changes for subscription tests: ATD sends to the test shelter, the shelter moves them on.</summary>
public static class ReferralsFlow
{
    /// <summary>Creates a referral from ATD to the shelter: its id and the sequence of its first change.</summary>
    public static async Task<(string Id, long Sequence)> CreateAsync(GraphQLClient sender)
    {
        var payload = (await sender.PostAsync(
            "mutation($input: CreateReferralInput!) { createReferral(input: $input) { referral { id } change { sequence } } }",
            new { input = new { toOrganisation = TestDatabase.ShelterOrganisation, kind = "DOMESTIC", services = new[] { "SHELTER" }, consent = new { givenBy = "CHILD" } } }))
            .AssertNoErrors().Data!["createReferral"]!;
        return (payload["referral"]!["id"]!.GetValue<string>(), payload["change"]!["sequence"]!.GetValue<long>());
    }

    /// <summary>One move (a mutation such as acknowledgeReferral) from the version given: the change's sequence.</summary>
    public static async Task<long> MoveAsync(GraphQLClient party, string mutation, string id, int version) =>
        (await party.PostAsync(
            $$"""mutation($input: ReferralTransitionInput!) { {{mutation}}(input: $input) { change { sequence } } }""",
            new { input = new { referralId = id, expectedVersion = version } }))
            .AssertNoErrors().Data![mutation]!["change"]!["sequence"]!.GetValue<long>();

    /// <summary>A referral taken from SUBMITTED to COMPLETED: the five sequences, in order.</summary>
    public static async Task<List<long>> CompleteOneAsync(GraphQLClient sender, GraphQLClient receiver)
    {
        var (id, first) = await CreateAsync(sender);
        var sequences = new List<long> { first };
        var version = 1;
        foreach (var move in new[] { "acknowledgeReferral", "acceptReferral", "startReferralService", "completeReferral" })
        {
            sequences.Add(await MoveAsync(receiver, move, id, version++));
        }

        return sequences;
    }
}
