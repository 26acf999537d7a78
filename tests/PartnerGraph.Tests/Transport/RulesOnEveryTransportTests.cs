using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Data;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Identity;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Transport;

/// <summary>
/// One table of rules, each run over GraphQL over HTTP, Server-Sent Events and WebSocket against a started server on
/// TCP: the same client gets the same rate, the same live rules (trusted documents only, disabled, scopes), the same
/// limits, the same caps and the same access log entry whatever transport it uses. A change made with the command line
/// reaches the next operation and every open subscription within Identity:ClientStatusCacheSeconds (4 s here).
/// </summary>
public sealed class RulesOnEveryTransportTests(RulesServer fixture) : IClassFixture<RulesServer>
{
    private const string Subscription = "subscription { referralStatusChanged { sequence } }";
    private const string Referrals = "{ referrals(first: 1) { totalCount } }";
    private const string Viewer = "{ viewer { clientId } }";

    public static TheoryData<string> Transports => new(TransportClient.All);

    public static TheoryData<string> Streams => new(TransportClient.Sse, TransportClient.WebSocket);

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Past_its_burst_a_client_is_refused_with_RATE_LIMITED(string transport)
    {
        await using var client = await fixture.ClientAsync("rate", transport);

        for (var i = 0; i < RulesServer.Burst; i++)
        {
            Assert.Empty((await client.RunAsync(Viewer)).Codes);
        }

        Assert.Equal("RATE_LIMITED", (await client.RunAsync(Viewer)).Code);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_client_switched_to_trusted_documents_only_runs_documents_by_id_only_and_its_free_text_subscriptions_end(string transport)
    {
        var (clientId, _) = fixture.Client("trusted", transport);
        await using var client = await fixture.ClientAsync("trusted", transport);
        var subscription = await SubscribeIfStreamingAsync(client, transport, clientId);

        var within = await fixture.ChangeAsync(["clients", "trusted-only", clientId, "on"],
            async () => (await client.RunAsync(Viewer)).Code == "PERSISTED_DOCUMENT_REQUIRED");

        Assert.Empty((await client.RunAsync(null, RulesServer.ViewerDocumentId)).Codes);
        await AssertEndsWithinAsync(subscription, "PERSISTED_DOCUMENT_REQUIRED", within);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_disabled_client_is_refused_and_its_open_subscriptions_and_sockets_end(string transport)
    {
        var (clientId, _) = fixture.Client("disabled", transport);
        await using var client = await fixture.ClientAsync("disabled", transport);
        var subscription = await SubscribeIfStreamingAsync(client, transport, clientId);

        var within = await fixture.ChangeAsync(["clients", "disable", "--client-id", clientId],
            async () => transport != TransportClient.WebSocket
                ? (await client.RunAsync(Viewer)).Code == "CLIENT_DISABLED"
                : ((WsClient)client).Closed.IsCompleted);

        if (client is WsClient socket)
        {
            Assert.Equal((4403, "Forbidden: CLIENT_DISABLED"), await socket.Closed);
        }

        await AssertEndsWithinAsync(subscription, transport == TransportClient.WebSocket ? "4403" : "CLIENT_DISABLED", within);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_scope_taken_away_is_gone_from_the_next_operation_and_ends_the_subscriptions_that_need_it(string transport)
    {
        var (clientId, _) = fixture.Client("scopes", transport);
        await using var client = await fixture.ClientAsync("scopes", transport);
        var subscription = await SubscribeIfStreamingAsync(client, transport, clientId);
        Assert.Empty((await client.RunAsync(Referrals)).Codes);

        var within = await fixture.ChangeAsync(["clients", "scopes", "--client-id", clientId, "--scopes", "statistics.read"],
            async () => (await client.RunAsync(Referrals)).Code == "FIELDS_ON_CORRECT_TYPE");

        Assert.Empty((await client.RunAsync(Viewer)).Codes);

        // A subscription that now needs a scope the client lost ends with what a new one is refused with.
        var refusedNow = (await client.RunAsync(Subscription)).Code;
        Assert.NotNull(refusedNow);
        await AssertEndsWithinAsync(subscription, refusedNow, within);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task A_query_past_the_limits_is_refused_with_its_code(string transport)
    {
        await using var client = await fixture.ClientAsync("limits", transport);

        var deep = "{ viewer { organisation { provinces { districts { province { districts { province { districts { province { districts { province { districts { code } } } } } } } } } } } } }";

        Assert.Equal("MAX_DEPTH_EXCEEDED", (await client.RunAsync(deep)).Code);
        Assert.Empty((await client.RunAsync(Viewer)).Codes);
    }

    [Fact]
    public async Task An_operation_leaves_the_same_access_log_entry_over_every_transport()
    {
        const string Statistics = "query ByProvinceAgeAndSex { caseStatistics(filter: { period: { from: \"2024-01-01\", to: \"2024-03-31\" } }, groupBy: [PROVINCE, AGE_BAND, SEX]) { total { count } } }";
        var entries = new List<Domain.Audit.AccessLogEntry>();
        foreach (var transport in TransportClient.All)
        {
            var (clientId, _) = fixture.Client("log", transport);
            await using var client = await fixture.ClientAsync("log", transport);
            Assert.Empty((await client.RunAsync(Statistics)).Codes);
            await using var db = fixture.OpenDatabase();
            entries.Add(await db.AccessLog.SingleAsync(e => e.ClientId == clientId && e.OperationName == "ByProvinceAgeAndSex"));
        }

        Assert.All(entries, e => Assert.True(e.CellsSuppressed > 0, $"{e.ClientId}: no cells suppressed"));
        Assert.Single(entries.Select(e => (e.OperationName, e.OperationType, e.DocumentHash, e.Datasets, e.Dimensions, e.RowsReturned, e.CellsSuppressed, e.Outcome, e.ErrorCodes)).Distinct());
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Every_transport_charges_each_new_table_and_each_alias_to_the_budget_and_a_repeat_nothing(string transport)
    {
        var (clientId, _) = fixture.Client("budget", transport);
        await using var client = await fixture.ClientAsync("budget", transport);

        // A question of its own for each transport (a month of 2023), asked twice in one document under two aliases.
        var month = Array.IndexOf(TransportClient.All, transport) + 1;
        var period = $"period: {{ from: \"2023-0{month}-01\", to: \"2023-0{month}-28\" }}";
        var query = $"query Charged {{ bySex: caseStatistics(filter: {{ {period} }}, groupBy: [SEX]) {{ total {{ count }} }} byAge: caseStatistics(filter: {{ {period} }}, groupBy: [AGE_BAND], accuracy: HIGH) {{ total {{ count }} }} }}";
        Assert.Empty((await client.RunAsync(query)).Codes);
        Assert.Empty((await client.RunAsync(query)).Codes);

        await using var db = fixture.OpenDatabase();
        var entries = await db.AccessLog.Where(e => e.ClientId == clientId && e.OperationName == "Charged").OrderBy(e => e.Id).ToListAsync();
        Assert.Equal([20_000 + 100_000, 0], entries.Select(e => e.MicroRhoCharged));
        Assert.All(entries, e => Assert.NotNull(e.MicroRhoRemaining));
        Assert.Equal(entries[0].MicroRhoRemaining, entries[1].MicroRhoRemaining);
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task A_subscription_leaves_one_allowed_access_log_entry(string transport)
    {
        var (clientId, _) = fixture.Client("subscription-log", transport);
        await using var client = await fixture.ClientAsync("subscription-log", transport);

        var subscription = await client.SubscribeAsync("subscription Follow { referralStatusChanged { sequence } }", () => fixture.CreateReferralAsync(clientId));
        await subscription.CompleteAsync();

        await using var db = fixture.OpenDatabase();
        var entry = await db.AccessLog.SingleAsync(e => e.ClientId == clientId && e.OperationType == "subscription");
        Assert.Equal(("Follow", Domain.Audit.AccessOutcome.Allowed, "referrals"), (entry.OperationName, entry.Outcome, entry.Datasets));
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Past_its_subscription_cap_a_client_is_refused_TOO_MANY_SUBSCRIPTIONS_and_a_completed_one_frees_its_slot(string transport)
    {
        var (clientId, _) = fixture.Client("subscriptions", transport);
        await using var client = await fixture.ClientAsync("subscriptions", transport);
        var live = new List<LiveSubscription>();
        for (var i = 0; i < RulesServer.MaxSubscriptions; i++)
        {
            live.Add(await client.SubscribeAsync(Subscription, () => fixture.CreateReferralAsync(clientId)));
        }

        var refused = await client.SubscribeAsync(Subscription, () => fixture.CreateReferralAsync(clientId));
        await live[0].CompleteAsync();
        await Eventually.TrueAsync(async () =>
        {
            var next = await client.SubscribeAsync(Subscription, () => fixture.CreateReferralAsync(clientId));
            await next.CompleteAsync();
            return next.Refused is null;
        }, TimeSpan.FromSeconds(10));

        Assert.All(live, s => Assert.Null(s.Refused));
        Assert.Equal("TOO_MANY_SUBSCRIPTIONS", refused.Refused?.Code);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Sockets_and_event_streams_count_together_against_the_connection_cap_and_plain_http_holds_none(string transport)
    {
        var (clientId, token) = fixture.Client("connections", transport);
        var held = new List<TransportClient>();
        try
        {
            // One event stream and the rest sockets: the cap counts them together.
            var stream = await TransportClient.ConnectAsync(TransportClient.Sse, fixture.Server.Url, token);
            held.Add(stream);
            Assert.Null((await stream.SubscribeAsync(Subscription, () => fixture.CreateReferralAsync(clientId))).Refused);
            for (var i = 1; i < RulesServer.MaxConnections; i++)
            {
                var socket = (WsClient)await TransportClient.ConnectAsync(TransportClient.WebSocket, fixture.Server.Url, token);
                held.Add(socket);
                Assert.False(socket.Closed.IsCompleted, $"socket {i + 1} of {RulesServer.MaxConnections} was refused");
            }

            await using var over = await TransportClient.ConnectAsync(transport, fixture.Server.Url, token);
            switch (over)
            {
                case WsClient socket:
                    Assert.Equal((1008, "Too many connections: TOO_MANY_CONNECTIONS"), await socket.Closed.WaitAsync(TimeSpan.FromSeconds(30)));
                    break;
                case SseClient:
                    Assert.Equal("TOO_MANY_CONNECTIONS", (await over.RunAsync(Viewer)).Code);
                    break;
                default:
                    Assert.Empty((await over.RunAsync(Viewer)).Codes);
                    break;
            }
        }
        finally
        {
            foreach (var client in held)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>A live subscription of the client over a streaming transport (none over plain HTTP).</summary>
    private async Task<LiveSubscription?> SubscribeIfStreamingAsync(TransportClient client, string transport, string clientId) =>
        transport == TransportClient.Http ? null : await client.SubscribeAsync(Subscription, () => fixture.CreateReferralAsync(clientId));

    /// <summary>The change reached new operations within the status cache's time (tried every half second), and the open subscription ended with the code within it.</summary>
    private static async Task AssertEndsWithinAsync(LiveSubscription? subscription, string code, Change change)
    {
        Assert.True(change.ReachedOperations <= RulesServer.StatusCache + Eventually.Every, $"the change reached new operations {change.ReachedOperations} after it was made");
        if (subscription is null)
        {
            return;
        }

        Assert.Null(subscription.Refused);
        Assert.Equal(code, await subscription.Ended.WaitAsync(RulesServer.StatusCache * 2));
        Assert.True(change.Since.Elapsed <= RulesServer.StatusCache, $"the subscription ended {change.Since.Elapsed} after the change");
    }
}

/// <summary>
/// A started server with small limits (a burst of 20 a client, refilled once a minute; 3 connections and 2
/// subscriptions a client; client state cached 4 s), and a client of ATD with every scope for each rule and transport.
/// </summary>
public sealed class RulesServer : IAsyncLifetime
{
    public const int Burst = 20;
    public const int MaxConnections = 3;
    public const int MaxSubscriptions = 2;
    public static readonly TimeSpan StatusCache = TimeSpan.FromSeconds(4);

    private static readonly string[] Rules = ["rate", "trusted", "disabled", "scopes", "limits", "log", "subscription-log", "subscriptions", "connections", "budget"];

    public static string ViewerDocumentId { get; } = TrustedDocument.IdOf(File.ReadAllText(RepositoryRoot.File("schema", "operations", "viewer.graphql")));

    private readonly Dictionary<string, string> tokens = new(StringComparer.Ordinal);

    public ServerProcess Server { get; private set; } = null!;

    public string Database { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CopyAsync();
        await using (var app = await PartnerGraphApp.StartAsync(databasePath: Database))
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var registry = scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>();
            foreach (var rule in Rules)
            {
                foreach (var transport in TransportClient.All)
                {
                    await registry.AddAsync("atd", ClientId(rule, transport), Scopes.All.ToList(), "test-secret-rules-at-least-32-characters");
                }
            }
        }

        Server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Identity__ClientStatusCacheSeconds"] = StatusCache.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            ["GraphQL__Limits__RequestsPerMinute"] = "1",
            ["GraphQL__Limits__Burst"] = Burst.ToString(CultureInfo.InvariantCulture),
            ["GraphQL__Limits__MaxConnectionsPerClient"] = MaxConnections.ToString(CultureInfo.InvariantCulture),
            ["GraphQL__Limits__MaxSubscriptionsPerClient"] = MaxSubscriptions.ToString(CultureInfo.InvariantCulture),
        }, Database);
        foreach (var rule in Rules)
        {
            foreach (var transport in TransportClient.All)
            {
                tokens[ClientId(rule, transport)] = await Server.TokenAsync(ClientId(rule, transport), "test-secret-rules-at-least-32-characters");
            }
        }
    }

    /// <summary>The client of the rule and transport, and a token of it.</summary>
    public (string ClientId, string Token) Client(string rule, string transport) => (ClientId(rule, transport), tokens[ClientId(rule, transport)]);

    public Task<TransportClient> ClientAsync(string rule, string transport) => TransportClient.ConnectAsync(transport, Server.Url, Client(rule, transport).Token);

    /// <summary>A referral change made by the client over HTTP (one request of its rate): what a live subscription of it is told.</summary>
    public async Task CreateReferralAsync(string clientId)
    {
        using var http = new HttpClient { BaseAddress = Server.Url };
        await ReferralsFlow.CreateAsync(new GraphQLClient(http, tokens[clientId]));
    }

    /// <summary>Makes a change with the command line; then how long after it the check first held, and a clock started when it was made.</summary>
    public async Task<Change> ChangeAsync(string[] verb, Func<Task<bool>> reached)
    {
        var (exitCode, output) = await ServerProcess.RunVerbAsync(verb, database: Database);
        var since = Stopwatch.StartNew();
        Assert.True(exitCode == 0, $"{string.Join(' ', verb)} exited with {exitCode}:\n{output}");
        return new Change(await Eventually.TrueAsync(reached, StatusCache * 2), since);
    }

    public PartnerGraphDbContext OpenDatabase() =>
        new(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.Sqlite, TestDatabase.ConnectionString(Database)));

    public async Task DisposeAsync() => await Server.DisposeAsync();

    private static string ClientId(string rule, string transport) => $"rules-{rule}-{transport}";
}

/// <summary>A change made with the command line: how long until new operations met it, and the time since it was made.</summary>
public sealed record Change(TimeSpan ReachedOperations, Stopwatch Since);

/// <summary>Waits for a condition by trying it again every half second (each try is a request), not by sleeping a fixed time: how long it took.</summary>
public static class Eventually
{
    public static readonly TimeSpan Every = TimeSpan.FromMilliseconds(500);

    public static async Task<TimeSpan> TrueAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < within, $"not true within {within}");
            await Task.Delay(Every);
        }

        return clock.Elapsed;
    }
}
