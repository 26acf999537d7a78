using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Tests.Infrastructure;
using PartnerGraph.Tests.Transport;
using Xunit.Abstractions;

namespace PartnerGraph.Tests.Webhooks;

/// <summary>
/// Webhooks end to end: two server processes on one SQLite file deliver a run of referral changes made through the
/// API to a receiver on 127.0.0.1 that verifies signatures, fails for a while and deduplicates by webhook-id; the
/// instance holding the endpoint's lease is killed (SIGKILL) while it delivers, and the other takes over.
/// </summary>
public sealed class WebhookDeliveryTests(ITestOutputHelper output)
{
    public const string Document = "subscription { referralStatusChanged { sequence status previousStatus changedBy { slug } referral { reference } } }";

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(90);

    /// <summary>Fast retries and leases, and the receiver's address allowed: 127.0.0.1 is refused by default.</summary>
    public static Dictionary<string, string> Settings(int leaseSeconds = 2) => new()
    {
        ["Webhooks__AllowedAddresses"] = "127.0.0.1",
        ["Webhooks__PollMilliseconds"] = "100",
        ["Webhooks__LeaseSeconds"] = leaseSeconds.ToString(CultureInfo.InvariantCulture),
        ["Webhooks__FirstRetryDelay"] = "00:00:00.100",
        ["Webhooks__MaxRetryDelay"] = "00:00:00.500",
        ["Subscriptions__PollMilliseconds"] = "100",
    };

    [Fact]
    public async Task Every_event_arrives_once_after_dedup_in_order_and_signed_through_a_failing_receiver_and_a_killed_instance()
    {
        var database = await TestDatabase.CopyAsync();
        await using var a = await ServerProcess.StartAsync(Settings(), database);
        await using var b = await ServerProcess.StartAsync(Settings(), database);
        await using var receiver = new WebhookReceiver(ServerProcess.FreePort());
        var atd = new GraphQLClient(new HttpClient { BaseAddress = a.Url }, await a.TokenAsync());
        var shelter = new GraphQLClient(new HttpClient { BaseAddress = a.Url }, await a.TokenAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret));
        var atdOnB = new GraphQLClient(new HttpClient { BaseAddress = b.Url }, await b.TokenAsync());
        var shelterOnB = new GraphQLClient(new HttpClient { BaseAddress = b.Url }, await b.TokenAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret));

        var (webhookId, secret) = await AddAsync(atd, receiver.Url);
        receiver.Secret = secret;
        receiver.FailNext(6);

        // A run of changes through the API: each referral from SUBMITTED to COMPLETED is five events.
        var expected = new List<long>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 6; i++)
        {
            expected.AddRange(await ReferralsFlow.CompleteOneAsync(atd, shelter));
        }

        // Kill whichever instance holds the lease while it waits for the receiver's answer to a delivery.
        await receiver.WaitForAsync(8, Wait);
        var inFlight = await receiver.HoldNextAsync().WaitAsync(Wait);
        var owner = await LeaseOwnerAsync(a);
        var (killed, survivor, atdLeft, shelterLeft) = owner.StartsWith($"{a.ProcessId}/", StringComparison.Ordinal) ? (a, b, atdOnB, shelterOnB) : (b, a, atd, shelter);
        Assert.StartsWith($"{killed.ProcessId}/", owner, StringComparison.Ordinal);
        var before = receiver.All.Count;
        await killed.KillAsync();
        var killedAt = Stopwatch.StartNew();
        receiver.Release();

        for (var i = 0; i < 4; i++)
        {
            expected.AddRange(await ReferralsFlow.CompleteOneAsync(atdLeft, shelterLeft));
        }

        var accepted = await receiver.WaitForAsync(expected.Count, Wait);
        var takeover = receiver.All.Skip(before).FirstOrDefault()?.At;
        var all = receiver.All;
        output.WriteLine($"{expected.Count} events, {all.Count} POSTs ({all.Count - accepted.Count} repeats or failures), all accepted {clock.Elapsed.TotalSeconds:0.0} s after the first change, {expected.Count / clock.Elapsed.TotalSeconds:0.0} events/s");
        output.WriteLine($"first POST by the survivor {(takeover is { } t ? (t - (DateTime.UtcNow - killedAt.Elapsed)).TotalSeconds : double.NaN):0.00} s after the kill (lease 2 s)");

        Assert.True(all.All(d => d.SignatureValid), "every POST carries a valid signature");
        Assert.True(all.Count(d => d.Id == inFlight) >= 2, $"{inFlight}, unanswered when its sender was killed, is sent again by the other instance");
        Assert.Equal(expected.Select(s => $"evt_{s}"), accepted.Select(d => d.Id));
        foreach (var delivery in accepted)
        {
            var body = JsonNode.Parse(delivery.Text)!;
            Assert.Equal("referral.status_changed", body["type"]!.GetValue<string>());
            Assert.Equal($"evt_{body["sequence"]!.GetValue<long>()}", delivery.Id);
            Assert.Equal(body["sequence"]!.GetValue<long>(), body["data"]!["referralStatusChanged"]!["sequence"]!.GetValue<long>());
            Assert.StartsWith("REF-", body["data"]!["referralStatusChanged"]!["referral"]!["reference"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        // The record: every event delivered, the first ones after several attempts (the receiver failed 6 times).
        var survivorAtd = new GraphQLClient(new HttpClient { BaseAddress = survivor.Url }, await survivor.TokenAsync());
        var deliveries = (await survivorAtd.PostAsync(
            "query($id: ID!) { webhookDeliveries(webhookId: $id, first: 100) { sequence status attempts lastError lastStatusCode nextAttemptAt } }", new { id = webhookId }))
            .AssertNoErrors().Data!["webhookDeliveries"]!.AsArray();
        Assert.Equal(expected.OrderDescending(), deliveries.Select(d => d!["sequence"]!.GetValue<long>()));
        Assert.All(deliveries, d => Assert.Equal("DELIVERED", d!["status"]!.GetValue<string>()));
        Assert.True(deliveries.Last()!["attempts"]!.GetValue<int>() > 1, deliveries.Last()!.ToJsonString());
    }

    [Fact]
    public async Task A_receiver_verifies_a_real_delivery_with_the_readme_nodejs_snippet()
    {
        await using var server = await ServerProcess.StartAsync(Settings());
        await using var receiver = new WebhookReceiver(ServerProcess.FreePort());
        var atd = new GraphQLClient(new HttpClient { BaseAddress = server.Url }, await server.TokenAsync());
        var shelter = new GraphQLClient(new HttpClient { BaseAddress = server.Url }, await server.TokenAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret));
        var (_, secret) = await AddAsync(atd, receiver.Url);
        receiver.Secret = secret;
        await ReferralsFlow.CreateAsync(atd);
        var delivery = Assert.Single(await receiver.WaitForAsync(1, Wait));

        var snippet = ReadmeSnippet("webhook-verify-node");
        var folder = Directory.CreateTempSubdirectory("partnergraph-webhook-node-").FullName;
        var script = Path.Combine(folder, "verify.mjs");
        await File.WriteAllTextAsync(script, snippet + """

            const [secret, id, timestamp, signature, bodyFile] = process.argv.slice(2);
            const { readFileSync } = await import('node:fs');
            const headers = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
            console.log(verifyWebhook(secret, headers, readFileSync(bodyFile)) ? 'valid' : 'invalid');
            const tampered = Buffer.concat([readFileSync(bodyFile), Buffer.from(' ')]);
            console.log(verifyWebhook(secret, headers, tampered) ? 'valid' : 'invalid');
            """);
        var body = Path.Combine(folder, "body.json");
        await File.WriteAllBytesAsync(body, delivery.Body);

        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { script, secret, delivery.Id, delivery.Timestamp, delivery.Signature, body })
        {
            info.ArgumentList.Add(arg);
        }

        using var node = Process.Start(info)!;
        var printed = await node.StandardOutput.ReadToEndAsync();
        await node.WaitForExitAsync();
        Assert.True(node.ExitCode == 0, await node.StandardError.ReadToEndAsync());
        Assert.Equal(["valid", "invalid"], printed.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        _ = shelter;
    }

    [Fact]
    public async Task A_replay_delivers_a_backlog_in_order_and_each_delivery_is_in_the_access_log()
    {
        await using var server = await ServerProcess.StartAsync(Settings());
        await using var receiver = new WebhookReceiver(ServerProcess.FreePort());
        var atd = new GraphQLClient(new HttpClient { BaseAddress = server.Url }, await server.TokenAsync());
        var shelter = new GraphQLClient(new HttpClient { BaseAddress = server.Url }, await server.TokenAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret));
        var (id, secret) = await AddAsync(atd, receiver.Url);
        receiver.Secret = secret;
        await AssertStoredEncryptedAsync(server, secret);
        (await atd.PostAsync("mutation($input: WebhookIdInput!) { disableWebhook(input: $input) { webhook { status } } }", new { input = new { webhookId = id } })).AssertNoErrors();

        // A backlog while the endpoint is disabled, then a replay of all of it.
        var expected = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            expected.AddRange(await ReferralsFlow.CompleteOneAsync(atd, shelter));
        }

        Assert.Empty(receiver.All);
        var clock = Stopwatch.StartNew();
        (await atd.PostAsync("mutation($input: ReplayWebhookInput!) { replayWebhook(input: $input) { webhook { status } } }", new { input = new { webhookId = id, fromSequence = expected[0] } }))
            .AssertNoErrors();
        var accepted = await receiver.WaitForAsync(expected.Count, Wait);
        output.WriteLine($"{expected.Count} events replayed in {clock.Elapsed.TotalSeconds:0.00} s: {expected.Count / clock.Elapsed.TotalSeconds:0} deliveries/s (one endpoint, one at a time)");

        Assert.Equal(expected.Select(s => $"evt_{s}"), accepted.Select(d => d.Id));
        Assert.Equal(expected.Count, receiver.All.Count);
        var log = (await atd.PostAsync(
            """
            query($client: String!, $id: ID!) {
              deliveries: webhookDeliveries(webhookId: $id, first: 100) { attempts }
              allowed: accessLog(first: 100, filter: { clientId: $client, outcome: ALLOWED }) { totalCount nodes { operationType } }
              refused: accessLog(first: 100, filter: { clientId: $client, outcome: REFUSED }) { totalCount nodes { errorCodes } }
              failed: accessLog(first: 100, filter: { clientId: $client, outcome: FAILED }) { totalCount nodes { errorCodes } }
            }
            """,
            new { client = $"webhook:{GlobalIdKey(id)}", id })).AssertNoErrors().Data!;

        // The document runs once per attempt, each an ALLOWED subscription in the log (an attempt the receiver did not
        // acknowledge is tried again). An attempt put off before it was sent (the database busy on a loaded machine,
        // or the client's rate) is logged too, with its code.
        var attempts = log["deliveries"]!.AsArray().Select(d => d!["attempts"]!.GetValue<int>()).ToList();
        Assert.Equal(expected.Count, attempts.Count);
        Assert.Equal(attempts.Sum(), log["allowed"]!["totalCount"]!.GetValue<int>());
        Assert.All(log["allowed"]!["nodes"]!.AsArray(), n => Assert.Equal("subscription", n!["operationType"]!.GetValue<string>()));
        output.WriteLine($"access log: {attempts.Sum()} allowed for {expected.Count} deliveries, {log["refused"]!["totalCount"]} refused and {log["failed"]!["totalCount"]} failed attempts put off ({log["refused"]!["nodes"]!.ToJsonString()})");
        foreach (var other in new[] { log["refused"]!, log["failed"]! })
        {
            Assert.Equal(other["nodes"]!.AsArray().Count, other["totalCount"]!.GetValue<int>());
            Assert.All(other["nodes"]!.AsArray(), n => Assert.Single(n!["errorCodes"]!.AsArray(), c => c!.GetValue<string>() is "DATABASE_UNAVAILABLE" or "RATE_LIMITED"));
        }
    }

    public static async Task<(string Id, string Secret)> AddAsync(GraphQLClient client, string url, string document = Document)
    {
        var payload = (await client.PostAsync(
            "mutation($input: AddWebhookInput!) { addWebhook(input: $input) { webhook { id status url } secret } }",
            new { input = new { url, document } })).AssertNoErrors().Data!["addWebhook"]!;
        var secret = payload["secret"]!.GetValue<string>();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.InRange(Convert.FromBase64String(secret["whsec_".Length..]).Length, 24, 64);
        return (payload["webhook"]!["id"]!.GetValue<string>(), secret);
    }

    /// <summary>
    /// What a copy of the database holds of a secret the partner was shown: neither the secret nor its key bytes, only
    /// the encrypted form, which this server's key opens (the deliveries verified with the shown secret prove that).
    /// </summary>
    private static async Task AssertStoredEncryptedAsync(ServerProcess server, string shown)
    {
        await using var db = server.OpenDatabase();
        var stored = (await db.WebhookEndpoints.SingleAsync()).Secret;
        var key = shown["whsec_".Length..];
        Assert.DoesNotContain(key, stored, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(Convert.FromBase64String(key)), stored, StringComparison.OrdinalIgnoreCase);
        Assert.Matches("^v1\\.[0-9a-f]{8}\\.[A-Za-z0-9+/=]+$", stored);
    }

    /// <summary>The code block of README.md that follows the marker comment &lt;!-- NAME --&gt;.</summary>
    public static string ReadmeSnippet(string name)
    {
        var readme = File.ReadAllText(RepositoryRoot.File("README.md"));
        var marker = readme.IndexOf($"<!-- {name} -->", StringComparison.Ordinal);
        Assert.True(marker >= 0, $"README.md has no <!-- {name} --> block");
        var start = readme.IndexOf('\n', readme.IndexOf("```", marker, StringComparison.Ordinal)) + 1;
        return readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
    }

    private static string GlobalIdKey(string id) => System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(id)).Split(':')[1];

    private static async Task<string> LeaseOwnerAsync(ServerProcess server)
    {
        await using var db = server.OpenDatabase();
        return (await db.WebhookEndpoints.SingleAsync()).LeaseOwner ?? "";
    }
}
