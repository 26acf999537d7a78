using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Transport;

/// <summary>
/// A subscription's writes are kept an interval apart (2 s here): the first event after a quiet spell goes at once,
/// and events that come within the interval wait and go out together.
/// </summary>
public sealed class SendIntervalTests : IAsyncLifetime
{
    private const string Subscription = "subscription { referralStatusChanged { sequence } }";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private PartnerGraphApp app = null!;
    private GraphQLClient sender = null!;

    public async Task InitializeAsync()
    {
        app = await PartnerGraphApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["GraphQL:WebSockets:SendIntervalMilliseconds"] = Interval.TotalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GraphQL:Sse:SendIntervalMilliseconds"] = Interval.TotalMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        sender = await app.GraphQLAsync();
    }

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Over_a_websocket_the_first_event_goes_at_once_and_the_next_ones_wait_and_go_together()
    {
        await using var ws = await WsTestClient.ConnectAsync(app);
        await ws.InitAsync(await app.TokenAsync(TestDatabase.AllScopesClient, TestDatabase.AllScopesSecret));
        await ws.SendAsync(new JsonObject { ["id"] = "s", ["type"] = "subscribe", ["payload"] = new JsonObject { ["query"] = Subscription } });
        await Task.Delay(300);

        await AssertPacedAsync(async () => Sequence(await ws.NextMessageAsync()));

        static long Sequence(JsonNode message) => message["payload"]!["data"]!["referralStatusChanged"]!["sequence"]!.GetValue<long>();
    }

    [Fact]
    public async Task Over_server_sent_events_the_first_event_goes_at_once_and_the_next_ones_wait_and_go_together()
    {
        using var http = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(new JsonObject { ["query"] = Subscription }.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("text/event-stream");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await app.TokenAsync(TestDatabase.AllScopesClient, TestDatabase.AllScopesSecret));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync());
        await Task.Delay(300);

        await AssertPacedAsync(async () =>
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (await events.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("data: {", StringComparison.Ordinal))
                {
                    return JsonNode.Parse(line["data: ".Length..])!["data"]!["referralStatusChanged"]!["sequence"]!.GetValue<long>();
                }
            }

            throw new InvalidOperationException("the stream ended");
        });
    }

    /// <summary>Three changes, the last two made just after the first arrived: when each arrives, and in what order.</summary>
    private async Task AssertPacedAsync(Func<Task<long>> nextSequence)
    {
        var clock = Stopwatch.StartNew();
        var (_, first) = await ReferralsFlow.CreateAsync(sender);
        var firstAnswered = clock.Elapsed;
        var received = new List<long> { await nextSequence() };
        var firstArrived = clock.Elapsed;
        var second = (await ReferralsFlow.CreateAsync(sender)).Sequence;
        var third = (await ReferralsFlow.CreateAsync(sender)).Sequence;
        var madeWithinInterval = clock.Elapsed - firstArrived;
        received.Add(await nextSequence());
        var secondArrived = clock.Elapsed;
        received.Add(await nextSequence());
        var thirdArrived = clock.Elapsed;

        Assert.Equal([first, second, third], received);
        Assert.True(firstArrived - firstAnswered < TimeSpan.FromSeconds(1), $"the first event after a quiet spell was held {firstArrived - firstAnswered}");
        Assert.True(madeWithinInterval < Interval / 2, $"the next two changes took {madeWithinInterval} to make: too slow to test the interval");
        Assert.True(secondArrived - firstArrived > Interval * 0.75, $"the second event came {secondArrived - firstArrived} after the first, within the interval");
        Assert.True(thirdArrived - secondArrived < Interval / 4, $"the third event came {thirdArrived - secondArrived} after the second, not with it");
    }
}

public sealed class SendIntervalSettingTests
{
    [Theory]
    [InlineData("GraphQL:WebSockets:SendIntervalMilliseconds", "-1")]
    [InlineData("GraphQL:WebSockets:SendIntervalMilliseconds", "60000")]
    [InlineData("GraphQL:Sse:SendIntervalMilliseconds", "NaN")]
    public async Task A_server_with_an_interval_out_of_range_does_not_start_and_says_which_setting(string setting, string value)
    {
        var refused = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            async () => await (await PartnerGraphApp.StartAsync(settings: new Dictionary<string, string?> { [setting] = value })).DisposeAsync());

        Assert.Contains(setting, refused.Message, StringComparison.Ordinal);
    }
}
