using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Tests.Infrastructure;
using PartnerGraph.Tests.Transport;

namespace PartnerGraph.Tests.Faults;

/// <summary>
/// Faults a running server meets, each with real server processes on a real SQLite file: the database gone and back,
/// the process killed in the middle of referral changes, two instances racing on the same referrals.
/// </summary>
public sealed class FaultTests
{
    private const string Viewer = "{ viewer { organisation { id } } }";

    /// <summary>The workers here send far more than a partner may (600 a minute): the per-client limit is not under test.</summary>
    private static readonly Dictionary<string, string> Unthrottled = new()
    {
        ["GraphQL__Limits__RequestsPerMinute"] = "1000000",
        ["GraphQL__Limits__Burst"] = "100000",
    };

    private static readonly string[] Moves = ["acknowledgeReferral", "acceptReferral", "startReferralService", "completeReferral"];

    [Fact]
    public async Task While_the_database_is_unavailable_readiness_and_queries_say_so_with_a_code_and_both_recover_without_a_restart()
    {
        // The file sits in a folder of its own, so the whole folder can be taken away at once: SQLite can then neither
        // open the file nor create an empty one in its place (the tests run as root, so permissions would not stop it).
        var folder = Directory.CreateTempSubdirectory("partnergraph-fault-").FullName;
        var database = Path.Combine(folder, "partnergraph.db");
        File.Move(await TestDatabase.CopyAsync(), database);
        var away = folder + "-away";
        await using var server = await ServerProcess.StartAsync(database: database);
        using var http = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(60) };
        var client = new GraphQLClient(http, await server.TokenAsync());
        (await client.PostAsync(Viewer)).AssertNoErrors();
        // Taken before, used only during the outage: the server has not checked this client yet, so it must ask the database.
        var uncheckedToken = await server.TokenAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        try
        {
            Directory.Move(folder, away);

            var (readyStatus, ready) = await HealthAsync(http, "/readyz");
            var (upStatus, up) = await HealthAsync(http, "/healthz");
            var query = await client.PostAsync(Viewer);
            var mutation = await client.PostAsync(
                "mutation($input: CreateReferralInput!) { createReferral(input: $input) { referral { id } } }",
                new { input = new { toOrganisation = TestDatabase.ShelterOrganisation, kind = "DOMESTIC", services = new[] { "SHELTER" }, consent = new { givenBy = "CHILD" } } });
            var token = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = TestDatabase.ShelterClient,
                ["client_secret"] = TestDatabase.ShelterSecret,
            }));

            Assert.Equal((HttpStatusCode.ServiceUnavailable, "unavailable", "DATABASE_UNAVAILABLE"), (readyStatus, ready["status"]?.GetValue<string>(), ready["code"]?.GetValue<string>()));
            Assert.Equal((HttpStatusCode.OK, "up"), (upStatus, up["status"]?.GetValue<string>()));
            foreach (var answer in new[] { query, mutation })
            {
                Assert.True(answer.Status == HttpStatusCode.ServiceUnavailable, answer.Body.ToJsonString());
                Assert.Equal("DATABASE_UNAVAILABLE", answer.FirstErrorCode);
                Assert.DoesNotContain("Sqlite", answer.Body.ToJsonString(), StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(folder, answer.Body.ToJsonString(), StringComparison.Ordinal);
            }

            // The token endpoint too: 503 with a code, in OAuth's error shape, nothing of the exception.
            var tokenText = await token.Content.ReadAsStringAsync();
            var tokenBody = JsonNode.Parse(tokenText)!;
            Assert.True(token.StatusCode == HttpStatusCode.ServiceUnavailable, tokenText);
            Assert.Equal(("temporarily_unavailable", "DATABASE_UNAVAILABLE"), (tokenBody["error"]?.GetValue<string>(), tokenBody["code"]?.GetValue<string>()));
            Assert.Equal("5", token.Headers.RetryAfter?.ToString());
            Assert.DoesNotContain("Sqlite", tokenText, StringComparison.OrdinalIgnoreCase);

            // A WebSocket whose caller cannot be checked closes 1013 (try again later), not 4403 (forbidden).
            var socket = new System.Net.WebSockets.ClientWebSocket();
            socket.Options.AddSubProtocol("graphql-transport-ws");
            await socket.ConnectAsync(new Uri(server.Url.ToWs(), "/graphql"), CancellationToken.None);
            await using var ws = new WsTestClient(socket);
            await ws.SendAsync(new JsonObject { ["type"] = "connection_init", ["payload"] = new JsonObject { ["authorization"] = "Bearer " + uncheckedToken } });
            Assert.Equal(1013, await ws.ClosedWithAsync());
            Assert.Contains("DATABASE_UNAVAILABLE", socket.CloseStatusDescription, StringComparison.Ordinal);
            Assert.True(server.IsRunning, server.Output);
        }
        finally
        {
            if (Directory.Exists(away))
            {
                Directory.Move(away, folder);
            }
        }

        // Back: ready again and answering, in the same process.
        var (againStatus, again) = await HealthAsync(http, "/readyz");
        Assert.Equal((HttpStatusCode.OK, "ready"), (againStatus, again["status"]?.GetValue<string>()));
        (await client.PostAsync(Viewer)).AssertNoErrors();
        await ReferralsFlow.CreateAsync(client);
        var newToken = await server.TokenAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        Assert.False(string.IsNullOrEmpty(newToken));
    }

    [Fact]
    public async Task After_a_SIGKILL_in_the_middle_of_referral_changes_every_committed_change_is_whole_and_every_answered_one_is_there()
    {
        var database = await TestDatabase.CopyAsync();
        var answered = new ConcurrentBag<(string Id, long Sequence, string Status)>();
        var server = await ServerProcess.StartAsync(Unthrottled, database);
        try
        {
            var sender = new GraphQLClient(new HttpClient { BaseAddress = server.Url }, await server.TokenAsync());
            var receiver = new GraphQLClient(new HttpClient { BaseAddress = server.Url }, await server.TokenAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret));

            // Six workers, each taking referrals from SUBMITTED to COMPLETED, one change at a time, noting each answered
            // one, until the server is gone.
            var workers = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
            {
                while (true)
                {
                    var (id, sequence) = await ReferralsFlow.CreateAsync(sender);
                    answered.Add((id, sequence, "SUBMITTED"));
                    var version = 1;
                    foreach (var move in Moves)
                    {
                        var moved = await ReferralsFlow.MoveAsync(receiver, move, id, version++);
                        answered.Add((id, moved, StatusOf(move)));
                    }
                }
            })).ToList();

            // Changes are flowing on every worker: kill the process with requests in flight.
            for (var i = 0; i < 600 && answered.Count < 60; i++)
            {
                await Task.Delay(100);
            }

            Assert.True(answered.Count >= 60, $"Only {answered.Count} changes in a minute:\n{server.Output}");
            Assert.True(workers.All(w => !w.IsCompleted), string.Join("\n", workers.Where(w => w.IsFaulted).Select(w => w.Exception!.InnerException!.Message)));
            await server.KillAsync();
            foreach (var worker in workers)
            {
                await Assert.ThrowsAnyAsync<Exception>(() => worker); // each stops at the lost connection
            }
        }
        finally
        {
            await server.DisposeAsync();
        }

        // A new process on the same file starts (and recovers the WAL), then the file is read as it is.
        await using var restarted = await ServerProcess.StartAsync(database: database);
        await using var db = new PartnerGraphDbContext(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.Sqlite, TestDatabase.ConnectionString(database)));
        var referrals = await db.Referrals.ToDictionaryAsync(r => r.Id);
        var history = await db.ReferralStatusChanges.OrderBy(h => h.Sequence).ToListAsync();
        var outbox = await db.OutboxEvents.ToDictionaryAsync(e => e.Sequence);

        foreach (var (id, referral) in referrals)
        {
            var entries = history.Where(h => h.ReferralId == id).ToList();
            Assert.True(referral.Version == entries.Count, $"referral {id}: version {referral.Version}, {entries.Count} history entries");
            Assert.Equal(referral.Status, entries[^1].Status);
        }

        foreach (var entry in history)
        {
            var e = outbox.GetValueOrDefault(entry.Sequence);
            Assert.True(e is not null, $"history entry {entry.Sequence} has no outbox event");
            var referral = referrals[entry.ReferralId];
            Assert.Equal((entry.ReferralId, referral.FromOrganisationId, referral.ToOrganisationId), (e.ReferralId, e.FromOrganisationId, e.ToOrganisationId));
        }

        var sequences = history.Select(h => h.Sequence).ToHashSet();
        Assert.All(outbox.Keys, s => Assert.Contains(s, sequences));
        Assert.Equal(outbox.Count, history.Count);

        var byId = history.ToDictionary(h => h.Sequence);
        foreach (var (id, sequence, status) in answered)
        {
            var entry = byId.GetValueOrDefault(sequence);
            Assert.True(entry is not null, $"the answered change {sequence} ({status}) is not on record");
            Assert.Equal(GlobalIdOf(entry.ReferralId), id);
            Assert.Equal(status, StatusName(entry.Status));
        }
    }

    [Fact]
    public async Task Two_instances_given_the_same_move_at_the_same_version_at_the_same_moment_let_exactly_one_win()
    {
        var database = await TestDatabase.CopyAsync();
        await using var a = await ServerProcess.StartAsync(Unthrottled, database);
        await using var b = await ServerProcess.StartAsync(Unthrottled, database);
        var senderOnA = new GraphQLClient(new HttpClient { BaseAddress = a.Url }, await a.TokenAsync());
        var receiverOnA = new GraphQLClient(new HttpClient { BaseAddress = a.Url }, await a.TokenAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret));
        var receiverOnB = new GraphQLClient(new HttpClient { BaseAddress = b.Url }, await b.TokenAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret));
        var outcomes = new List<string>();

        for (var round = 0; round < 20; round++)
        {
            var (id, _) = await ReferralsFlow.CreateAsync(senderOnA);
            await ReferralsFlow.MoveAsync(receiverOnA, "acknowledgeReferral", id, 1);

            // Even rounds: the same move on both; odd rounds: accept on one, decline on the other.
            var second = round % 2 == 0 ? "acceptReferral" : "declineReferral";
            using var go = new ManualResetEventSlim();
            var onA = Task.Run(() => { go.Wait(); return TransitionAsync(receiverOnA, "acceptReferral", id); });
            var onB = Task.Run(() => { go.Wait(); return TransitionAsync(receiverOnB, second, id); });
            go.Set();
            var answers = await Task.WhenAll(onA, onB);

            var wins = answers.Count(r => r.Errors is null);
            var codes = answers.Where(r => r.Errors is not null).Select(r => r.FirstErrorCode).ToList();
            Assert.True(wins == 1 && codes.SequenceEqual(["CONCURRENT_UPDATE"]), string.Join("\n", answers.Select(r => r.Body.ToJsonString())));
            var winner = answers.Single(r => r.Errors is null);
            var status = winner.Data!.AsObject().Single().Value!["referral"]!["status"]!.GetValue<string>();

            var referral = (await receiverOnB.PostAsync(
                "query($id: ID!) { node(id: $id) { ... on Referral { status version history { status } } } }", new { id })).AssertNoErrors().Data!["node"]!;
            Assert.Equal((3, status), (referral["version"]!.GetValue<int>(), referral["status"]!.GetValue<string>()));
            Assert.Equal(new[] { "SUBMITTED", "ACKNOWLEDGED", status }, referral["history"]!.AsArray().Select(h => h!["status"]!.GetValue<string>()).ToArray());
            outcomes.Add(status);
        }

        Assert.Equal(20, outcomes.Count);
    }

    private static Task<GraphQLResponse> TransitionAsync(GraphQLClient party, string mutation, string id) =>
        party.PostAsync(
            $$"""mutation($input: ReferralTransitionInput!) { {{mutation}}(input: $input) { referral { status version } change { sequence } } }""",
            new { input = mutation == "declineReferral" ? (object)new { referralId = id, expectedVersion = 2, reason = "No place left this month" } : new { referralId = id, expectedVersion = 2 } });

    private static async Task<(HttpStatusCode, JsonNode)> HealthAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private static string StatusOf(string move) => move switch
    {
        "acknowledgeReferral" => "ACKNOWLEDGED",
        "acceptReferral" => "ACCEPTED",
        "startReferralService" => "IN_SERVICE",
        _ => "COMPLETED",
    };

    private static string StatusName(PartnerGraph.Domain.Referrals.ReferralStatus status) => PartnerGraph.Domain.Referrals.ReferralWorkflow.Name(status);

    private static string GlobalIdOf(long id) => PartnerGraph.GraphQL.Common.GlobalId.Encode("Referral", id);
}
