using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Client;
using PartnerGraph.Client.Subscriptions;
using PartnerGraph.Data;
using PartnerGraph.Tests.Infrastructure;
using PartnerGraph.Tests.Transport;
using Xunit.Abstractions;

namespace PartnerGraph.Tests.Client;

/// <summary>
/// PartnerGraph.Client's referral feed against started server processes on a real SQLite file: a server killed in
/// the middle of a stream and started again, a consumer stopped and started again on its file store, a
/// trusted-documents-only client, and a refusal that must stop the feed rather than retry for ever.
/// </summary>
public sealed class ClientSubscriptionTests(ITestOutputHelper output)
{
    /// <summary>The producer here sends more than a partner may (600 a minute): the per-client limit is not under test.</summary>
    private static readonly Dictionary<string, string> Unthrottled = new()
    {
        ["GraphQL__Limits__RequestsPerMinute"] = "1000000",
        ["GraphQL__Limits__Burst"] = "100000",
    };

    private static readonly string[] Moves = ["acknowledgeReferral", "acceptReferral", "startReferralService", "completeReferral"];

    [Fact]
    public async Task A_server_killed_mid_stream_and_started_again_at_its_address_loses_and_repeats_no_change()
    {
        var database = await TestDatabase.CopyAsync();
        var port = ServerProcess.FreePort();
        var server = await ServerProcess.StartAsync(Unthrottled, database, port: port);
        ServerProcess? restarted = null;
        var head = await HeadAsync(database);
        var store = new FileSequenceStore(Path.Combine(Directory.CreateTempSubdirectory("partnergraph-client-").FullName, "referrals.seq"));
        await store.SaveAsync(head, CancellationToken.None);
        var (senderToken, receiverToken) = (await server.TokenAsync(), await server.TokenAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret));
        var clock = Stopwatch.StartNew();
        var subscribedAt = new ConcurrentQueue<long>();
        var options = ClientTestKit.Options(server, TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        options.OnSubscriptionEvent = e =>
        {
            if (e.Kind == SubscriptionEventKind.Subscribed)
            {
                subscribedAt.Enqueue(clock.ElapsedMilliseconds);
            }
        };
        using var client = new PartnerGraphClient(options);
        var taken = new Taken();
        var takenAt = new ConcurrentDictionary<long, long>();
        using var stopConsumer = new CancellationTokenSource();
        using var stopProducer = new CancellationTokenSource();
        var consumer = Task.Run(async () =>
        {
            await foreach (var change in client.FollowReferralChangesAsync(store, cancellationToken: stopConsumer.Token))
            {
                takenAt[change.Sequence] = clock.ElapsedMilliseconds;
                taken.Add(change.Sequence);
            }
        });
        var answered = new ConcurrentQueue<(long Sequence, long At)>();
        var producer = ProduceAsync(server.Url, senderToken, receiverToken, answered, clock, stopProducer.Token);
        try
        {
            // Changes are flowing and being taken: kill the server with changes in flight on both sides.
            await taken.WaitForAsync(10, TimeSpan.FromSeconds(60), consumer);
            await server.KillAsync();
            var killedAt = clock.ElapsedMilliseconds;
            var takenBeforeKill = taken.Count;

            restarted = await ServerProcess.StartAsync(Unthrottled, database, port: port);
            var readyAt = clock.ElapsedMilliseconds;
            var answeredBeforeRestart = answered.Count;
            while (answered.Count < answeredBeforeRestart + 20)
            {
                Assert.False(producer.IsCompleted, "the producer stopped");
                await Task.Delay(100);
            }

            await stopProducer.CancelAsync();
            await producer;

            // Every change on record for the shelter after the start, once each, in order: those answered and any whose answer the kill lost.
            var expected = await ExpectedAsync(database, head);
            await taken.WaitForAsync(expected.Count, TimeSpan.FromSeconds(60), consumer);
            Assert.Equal(expected, taken.Sequences);
            Assert.All(answered, a => Assert.Contains(a.Sequence, expected));
            Assert.Equal(expected[^1], await store.LoadAsync(CancellationToken.None));

            var firstAfterRestart = answered.Where(a => a.At > readyAt).MinBy(a => a.At);
            Assert.True(subscribedAt.Count >= 2, "the client never subscribed again");
            output.WriteLine(
                $"{expected.Count} changes, {takenBeforeKill} taken before the kill; server down {readyAt - killedAt} ms (kill to ready); " +
                $"subscribed again {subscribedAt.Last() - readyAt} ms after the server was ready; " +
                $"first change answered after the restart taken {takenAt[firstAfterRestart.Sequence] - firstAfterRestart.At} ms after its answer, " +
                $"{takenAt[firstAfterRestart.Sequence] - readyAt} ms after the server was ready");
        }
        finally
        {
            await stopProducer.CancelAsync();
            await stopConsumer.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consumer);
            await server.DisposeAsync();
            if (restarted is not null)
            {
                await restarted.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_consumer_started_again_on_its_file_store_resumes_after_the_last_change_it_handled()
    {
        await using var server = await ServerProcess.StartAsync(Unthrottled);
        var head = await HeadAsync(server.Database);
        var path = Path.Combine(Directory.CreateTempSubdirectory("partnergraph-client-").FullName, "feed", "referrals.seq");
        await new FileSequenceStore(path).SaveAsync(head, CancellationToken.None);
        var made = await CompleteReferralsAsync(server, 3);

        // First run: takes 6 and stops with its token. Asking for the next one saves the sixth, then stops.
        var first = await TakeAsync(server, path, stopAfter: 6, stopWithBreak: false);
        Assert.Equal(made[5], await new FileSequenceStore(path).LoadAsync(CancellationToken.None));

        // Second run, a new client on the same file: the rest, from the seventh.
        var second = await TakeAsync(server, path, stopAfter: made.Count - 6, stopWithBreak: false);
        Assert.Equal(made, first.Concat(second));

        // A run that leaves with break has not asked for the next: the change in hand was not saved, and comes again.
        var more = await CompleteReferralsAsync(server, 1);
        var broken = await TakeAsync(server, path, stopAfter: 2, stopWithBreak: true);
        var again = await TakeAsync(server, path, stopAfter: 4, stopWithBreak: false);
        Assert.Equal(more[..2], broken);
        Assert.Equal(more[1..], again);
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public async Task A_trusted_documents_only_client_follows_by_document_id_and_its_free_text_subscription_is_refused_not_retried()
    {
        var database = await TestDatabase.CopyAsync();
        var document = RepositoryRoot.File("src", "PartnerGraph.Client", "follow-referral-changes.graphql");
        foreach (var verb in new[] { new[] { "documents", "add", "--client", TestDatabase.ShelterClient, document }, ["clients", "trusted-only", TestDatabase.ShelterClient, "on"] })
        {
            var (exitCode, printed) = await ServerProcess.RunVerbAsync(verb, database: database);
            Assert.True(exitCode == 0, printed);
            if (verb[0] == "documents")
            {
                Assert.Contains(ReferralFeed.DocumentId, printed, StringComparison.Ordinal);
            }
        }

        await using var server = await ServerProcess.StartAsync(Unthrottled, database);
        var head = await HeadAsync(database);
        var byId = ClientTestKit.Options(server, TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        byId.SendDocumentsById = true;
        using var trusted = new PartnerGraphClient(byId);
        using var freeText = new PartnerGraphClient(ClientTestKit.Options(server, TestDatabase.ShelterClient, TestDatabase.ShelterSecret));
        // The shelter, trusted-only, follows; ATD sends referrals and withdraws them.
        var made = new List<long>();
        using (var http = new HttpClient { BaseAddress = server.Url })
        {
            var sender = new GraphQLClient(http, await server.TokenAsync());
            for (var i = 0; i < 3; i++)
            {
                var (id, created) = await ReferralsFlow.CreateAsync(sender);
                made.Add(created);
                made.Add(await ReferralsFlow.MoveAsync(sender, "withdrawReferral", id, 1));
            }
        }

        var taken = new List<long>();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var change in trusted.FollowReferralChangesAsync(new InMemorySequenceStore(head), cancellationToken: stop.Token))
        {
            taken.Add(change.Sequence);
            Assert.StartsWith("REF-", change.Referral.Reference, StringComparison.Ordinal);
            if (taken.Count == made.Count)
            {
                break;
            }
        }

        var refused = await Assert.ThrowsAsync<GraphQLException>(async () =>
        {
            await foreach (var change in freeText.FollowReferralChangesAsync(new InMemorySequenceStore(head), cancellationToken: stop.Token))
            {
                Assert.Fail($"a change came through: {change.Sequence}");
            }
        });

        Assert.Equal(made, taken);
        Assert.Equal("PERSISTED_DOCUMENT_REQUIRED", refused.Code);
    }

    [Fact]
    public async Task A_client_disabled_while_it_follows_stops_with_4403_instead_of_retrying()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>(Unthrottled) { ["Identity__ClientStatusCacheSeconds"] = "1" });
        using var client = new PartnerGraphClient(ClientTestKit.Options(server, TestDatabase.ShelterClient, TestDatabase.ShelterSecret));
        var head = await HeadAsync(server.Database);
        var taken = new Taken();
        var consumer = Task.Run(async () =>
        {
            await foreach (var change in client.FollowReferralChangesAsync(new InMemorySequenceStore(head)))
            {
                taken.Add(change.Sequence);
            }
        });
        await CompleteReferralsAsync(server, 1);
        await taken.WaitForAsync(5, TimeSpan.FromSeconds(30), consumer);

        var (exitCode, printed) = await ServerProcess.RunVerbAsync(["clients", "disable", "--client-id", TestDatabase.ShelterClient], database: server.Database);
        Assert.True(exitCode == 0, printed);

        var closed = await Assert.ThrowsAsync<SubscriptionClosedException>(() => consumer.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(4403, closed.CloseCode);
        Assert.Contains("CLIENT_DISABLED", closed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_revoked_during_the_stream_closes_it_4403_and_the_feed_goes_on_with_a_new_token_without_a_gap()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>(Unthrottled) { ["Identity__ClientStatusCacheSeconds"] = "1" });
        using var counter = new TokenRequestCounter();
        using var http = new HttpClient(counter);
        var events = new ConcurrentQueue<SubscriptionEvent>();
        var options = ClientTestKit.Options(server, TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        options.OnSubscriptionEvent = events.Enqueue;
        using var client = new PartnerGraphClient(options, http);
        var head = await HeadAsync(server.Database);
        var taken = new Taken();
        using var stop = new CancellationTokenSource();
        var consumer = Task.Run(async () =>
        {
            await foreach (var change in client.FollowReferralChangesAsync(new InMemorySequenceStore(head), cancellationToken: stop.Token))
            {
                taken.Add(change.Sequence);
            }
        });
        var made = await CompleteReferralsAsync(server, 1);
        await taken.WaitForAsync(made.Count, TimeSpan.FromSeconds(30), consumer);

        await using (var db = server.OpenDatabase())
        {
            Assert.True(await db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>().ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, "revoked")) >= 1);
        }

        // Within the client status cache the server closes the socket; the client subscribes again with a new token.
        made.AddRange(await CompleteReferralsAsync(server, 1));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (events.Count(e => e.Kind == SubscriptionEventKind.Subscribed) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, string.Join("\n", events));
            await Task.Delay(50);
        }

        made.AddRange(await CompleteReferralsAsync(server, 1));
        await taken.WaitForAsync(made.Count, TimeSpan.FromSeconds(30), consumer);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consumer);

        Assert.Equal(made, taken.Sequences);
        Assert.Equal(2, counter.Count);
        Assert.Contains(events, e => e.Kind == SubscriptionEventKind.Lost && e.Detail!.Contains("4403", StringComparison.Ordinal) && e.Detail.Contains("INVALID_TOKEN", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_change_on_record_is_replayed_in_order_from_zero()
    {
        await using var server = await ServerProcess.StartAsync(Unthrottled);
        using var client = new PartnerGraphClient(ClientTestKit.Options(server));
        List<long> expected;
        await using (var db = server.OpenDatabase())
        {
            expected = await db.OutboxEvents.Where(PartnerGraph.Domain.Referrals.ReferralVisibility.SentOrReceivedBy<PartnerGraph.Domain.Referrals.OutboxEvent>("atd"))
                .OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync();
        }

        var taken = new List<long>(expected.Count);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var clock = Stopwatch.StartNew();
        await foreach (var change in client.FollowReferralChangesAsync(new InMemorySequenceStore(), cancellationToken: stop.Token))
        {
            taken.Add(change.Sequence);
            if (taken.Count == expected.Count)
            {
                break;
            }
        }

        Assert.Equal(expected, taken);
        output.WriteLine($"{taken.Count} changes replayed in {clock.ElapsedMilliseconds} ms: {taken.Count / clock.Elapsed.TotalSeconds:F0} a second");
    }

    /// <summary>Runs a new client on the file store until it has taken the number given, then stops with its token or with break.</summary>
    private static async Task<List<long>> TakeAsync(ServerProcess server, string path, int stopAfter, bool stopWithBreak)
    {
        using var client = new PartnerGraphClient(ClientTestKit.Options(server, TestDatabase.ShelterClient, TestDatabase.ShelterSecret));
        using var stop = new CancellationTokenSource();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, timeout.Token);
        var taken = new List<long>();
        try
        {
            await foreach (var change in client.FollowReferralChangesAsync(new FileSequenceStore(path), cancellationToken: either.Token))
            {
                taken.Add(change.Sequence);
                if (taken.Count == stopAfter)
                {
                    if (stopWithBreak)
                    {
                        break;
                    }

                    await stop.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        return taken;
    }

    /// <summary>Referrals from ATD to the shelter taken from SUBMITTED to COMPLETED: their sequences, in order.</summary>
    private static async Task<List<long>> CompleteReferralsAsync(ServerProcess server, int count)
    {
        using var http = new HttpClient { BaseAddress = server.Url };
        var sender = new GraphQLClient(http, await server.TokenAsync());
        var receiver = new GraphQLClient(http, await server.TokenAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret));
        var sequences = new List<long>();
        for (var i = 0; i < count; i++)
        {
            sequences.AddRange(await ReferralsFlow.CompleteOneAsync(sender, receiver));
        }

        return sequences;
    }

    /// <summary>
    /// Moves referrals through their workflow, one change at a time, noting each answered change, until stopped. A
    /// change that fails (the server killed, or not yet back) abandons its referral for a new one.
    /// </summary>
    private static Task ProduceAsync(Uri server, string senderToken, string receiverToken, ConcurrentQueue<(long, long)> answered, Stopwatch clock, CancellationToken stop) => Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            // New connections for each referral: those to a killed server are dead.
            using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(10) };
            var sender = new GraphQLClient(http, senderToken);
            var receiver = new GraphQLClient(http, receiverToken);
            try
            {
                var (id, created) = await ReferralsFlow.CreateAsync(sender);
                answered.Enqueue((created, clock.ElapsedMilliseconds));
                var version = 1;
                foreach (var move in Moves)
                {
                    answered.Enqueue((await ReferralsFlow.MoveAsync(receiver, move, id, version++), clock.ElapsedMilliseconds));
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Xunit.Sdk.XunitException or System.Text.Json.JsonException)
            {
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }, CancellationToken.None);

    private static async Task<long> HeadAsync(string database)
    {
        await using var db = Open(database);
        return await db.OutboxEvents.MaxAsync(e => (long?)e.Sequence) ?? 0;
    }

    private static async Task<List<long>> ExpectedAsync(string database, long head)
    {
        await using var db = Open(database);
        return await db.OutboxEvents.Where(PartnerGraph.Domain.Referrals.ReferralVisibility.SentOrReceivedBy<PartnerGraph.Domain.Referrals.OutboxEvent>(TestDatabase.ShelterOrganisation))
            .Where(e => e.Sequence > head).OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync();
    }

    private static PartnerGraphDbContext Open(string database) =>
        new(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.Sqlite, TestDatabase.ConnectionString(database)));
}
