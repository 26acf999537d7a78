using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Transport;

/// <summary>
/// referralStatusChanged through the clients partners use (the npm graphql-ws and graphql-sse clients) against a
/// started server: every event, in order, once; replay from a sequence; a dropped connection resumed without loss.
/// </summary>
public sealed class SubscriptionClientsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly ServerProcess server = fixture.Server;
    private readonly GraphQLClient atd = fixture.Atd;
    private readonly GraphQLClient shelter = fixture.Shelter;
    private readonly string shelterToken = fixture.ShelterToken;

    [Theory]
    [InlineData("ws")]
    [InlineData("sse")]
    public async Task A_subscriber_gets_every_change_of_its_referrals_in_order_from_replay_then_live(string transport)
    {
        var (id, first) = await ReferralsFlow.CreateAsync(atd);

        // The first change happened before subscribing: it comes from the outbox, the rest live.
        await using var subscriber = await NodeProcess.SubscribeAsync(transport, server.Url, shelterToken, events: 5, after: first - 1);
        var expected = new List<long> { first };
        var version = 1;
        foreach (var move in new[] { "acknowledgeReferral", "acceptReferral", "startReferralService", "completeReferral" })
        {
            expected.Add(await ReferralsFlow.MoveAsync(shelter, move, id, version++));
        }

        Assert.Equal(expected, await subscriber.SequencesAsync(5, Wait));
    }

    [Fact]
    public async Task A_subscriber_without_after_gets_the_changes_made_after_it_subscribed()
    {
        await using var subscriber = await NodeProcess.SubscribeAsync("ws", server.Url, shelterToken, events: 5);
        await Task.Delay(1000); // the subscription is registered on the server once the client has sent it

        var expected = await ReferralsFlow.CompleteOneAsync(atd, shelter);

        Assert.Equal(expected, await subscriber.SequencesAsync(5, Wait));
    }

    [Fact]
    public async Task Changes_of_other_organisations_referrals_never_reach_a_subscriber()
    {
        // wvft (demo-ngo-partner) takes part in none of these referrals until the last one.
        var wvftToken = await server.TokenAsync("demo-ngo-partner", "demo-secret-ngo-partner");
        var (_, start) = await ReferralsFlow.CreateAsync(atd);
        await using var subscriber = await NodeProcess.SubscribeAsync("ws", server.Url, wvftToken, events: 1, after: start);
        await ReferralsFlow.CompleteOneAsync(atd, shelter);

        var visible = (await atd.PostAsync(
            "mutation($input: CreateReferralInput!) { createReferral(input: $input) { change { sequence } } }",
            new { input = new { toOrganisation = "wvft", kind = "DOMESTIC", services = new[] { "EDUCATION" }, consent = new { givenBy = "CHILD" } } }))
            .AssertNoErrors().Data!["createReferral"]!["change"]!["sequence"]!.GetValue<long>();

        Assert.Equal([visible], await subscriber.SequencesAsync(1, Wait));
    }

    [Fact]
    public async Task A_dropped_connection_resumed_with_after_loses_and_repeats_nothing()
    {
        var (_, start) = await ReferralsFlow.CreateAsync(atd);
        var received = new List<long>();

        // Changes keep coming while the first connection drops after three events and a second one resumes.
        var changes = Task.Run(async () =>
        {
            var all = new List<long>();
            for (var i = 0; i < 4; i++)
            {
                all.AddRange(await ReferralsFlow.CompleteOneAsync(atd, shelter));
                await Task.Delay(150);
            }

            return all;
        });

        await using (var first = await NodeProcess.SubscribeAsync("ws", server.Url, shelterToken, events: 3, after: start))
        {
            received.AddRange(await first.SequencesAsync(3, Wait));
        }

        await Task.Delay(400);
        var expected = await changes.ContinueWith(t => t.Result, TaskScheduler.Default);
        await using var resumed = await NodeProcess.SubscribeAsync("ws", server.Url, shelterToken, events: expected.Count - 3, after: received[^1]);
        received.AddRange(await resumed.SequencesAsync(expected.Count - 3, Wait));

        Assert.Equal(expected, received);
    }

    [Fact]
    public async Task A_subscription_over_sse_without_a_token_is_refused_with_401()
    {
        using var http = new HttpClient { BaseAddress = server.Url };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query":"subscription { referralStatusChanged { sequence } }"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("text/event-stream");

        using var response = await http.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("UNAUTHENTICATED", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subscription_sent_as_a_plain_post_is_refused_not_answered_with_null_data()
    {
        var response = await shelter.PostAsync("subscription { referralStatusChanged { sequence } }");

        Assert.Equal("SUBSCRIPTION_REQUIRES_STREAM", response.FirstErrorCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.Status);
        Assert.Null(response.Data);
    }
}

/// <summary>One started server for a test class, with ATD's and the shelter's clients.</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    public GraphQLClient Atd { get; private set; } = null!;

    public GraphQLClient Shelter { get; private set; } = null!;

    public string ShelterToken { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ServerProcess.StartAsync();
        Atd = new GraphQLClient(new HttpClient { BaseAddress = Server.Url }, await Server.TokenAsync());
        ShelterToken = await Server.TokenAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        Shelter = new GraphQLClient(new HttpClient { BaseAddress = Server.Url }, ShelterToken);
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
