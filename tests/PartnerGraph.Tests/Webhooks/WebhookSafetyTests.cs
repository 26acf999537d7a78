using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Tests.Infrastructure;
using PartnerGraph.Tests.Transport;

namespace PartnerGraph.Tests.Webhooks;

/// <summary>
/// Webhooks cannot be turned against the inside (SSRF): addresses are refused at registration after DNS, and again at
/// each connection on the address actually connected to; redirects are not followed. And only webhooks.manage sees them.
/// </summary>
public sealed class WebhookSafetyTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Registration_refuses_loopback_metadata_private_and_names_that_resolve_inside()
    {
        await using var server = await ServerProcess.StartAsync();
        var atd = new GraphQLClient(new HttpClient { BaseAddress = server.Url }, await server.TokenAsync());
        foreach (var url in new[]
        {
            "http://127.0.0.1:8080/hook",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::ffff:127.0.0.1]:8080/hook",
            "http://[::1]/hook",
            "http://localhost:8080/hook",
            "http://10.1.2.3/hook",
            "http://192.168.0.10/hook",
            "http://100.64.0.1/hook",
            "http://[fe80::1]/hook",
            "http://[fd00::1]/hook",
            "http://0.0.0.0/hook",
            "http://224.0.0.1/hook",
        })
        {
            var answer = await AddAsync(atd, url);
            Assert.True(answer.FirstErrorCode == "WEBHOOK_ADDRESS_NOT_ALLOWED", $"{url}: {answer.Body.ToJsonString()}");
            Assert.DoesNotContain("127.0.0.1", answer.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal("WEBHOOK_URL_INVALID", (await AddAsync(atd, "ftp://example.org/hook")).FirstErrorCode);
        Assert.Equal("WEBHOOK_URL_INVALID", (await AddAsync(atd, "/hooks/relative")).FirstErrorCode);

        // A public address (a literal, so no DNS is needed) with documents that are not a valid referralStatusChanged subscription.
        const string Public = "http://93.184.215.14/hook";
        Assert.Equal("WEBHOOK_DOCUMENT_INVALID", (await AddAsync(atd, Public, "{ viewer { clientId } }")).FirstErrorCode);
        Assert.Equal("WEBHOOK_DOCUMENT_INVALID", (await AddAsync(atd, Public, "subscription { referralStatusChanged { nope } }")).FirstErrorCode);
        Assert.Equal("WEBHOOK_DOCUMENT_INVALID", (await AddAsync(atd, Public, "subscription { referralStatusChanged(after: 0) { sequence } }")).FirstErrorCode);
        Assert.Equal("WEBHOOK_DOCUMENT_INVALID", (await AddAsync(atd, Public, "subscription { referralStatusChanged { sequence }")).FirstErrorCode);
        var badVariables = await atd.PostAsync("mutation($input: AddWebhookInput!) { addWebhook(input: $input) { secret } }", new { input = new { url = Public, document = WebhookDeliveryTests.Document, variables = "{not json" } });
        Assert.Equal("WEBHOOK_VARIABLES_INVALID", badVariables.FirstErrorCode);

        await using var db = server.OpenDatabase();
        Assert.Equal(0, await db.WebhookEndpoints.CountAsync());
    }

    [Fact]
    public async Task A_redirect_is_not_followed_and_an_address_that_changed_to_an_inside_one_is_not_connected_to()
    {
        await using var server = await ServerProcess.StartAsync(WebhookDeliveryTests.Settings());
        var atd = new GraphQLClient(new HttpClient { BaseAddress = server.Url }, await server.TokenAsync());

        // A target inside that must never be reached: a redirect points at it, and a rebinding name would resolve to it.
        var inside = new TcpListener(IPAddress.Parse("127.0.0.2"), 0);
        inside.Start();
        var insidePort = ((IPEndPoint)inside.LocalEndpoint).Port;
        var reached = 0;
        _ = Task.Run(async () =>
        {
            while (true)
            {
                using var socket = await inside.AcceptSocketAsync();
                Interlocked.Increment(ref reached);
            }
        });

        await using var redirecting = new WebhookReceiver(ServerProcess.FreePort(), context =>
        {
            context.Response.StatusCode = 307;
            context.Response.RedirectLocation = $"http://127.0.0.2:{insidePort}/";
            context.Response.Close();
            return true;
        });
        var (redirectId, _) = await WebhookDeliveryTests.AddAsync(atd, redirecting.Url);
        var (rebindId, _) = await WebhookDeliveryTests.AddAsync(atd, redirecting.Url);
        await using (var db = server.OpenDatabase())
        {
            // As if the name had resolved to a public address at registration and now resolves inside (DNS rebinding).
            var second = await db.WebhookEndpoints.OrderBy(e => e.Id).LastAsync();
            await db.WebhookEndpoints.Where(e => e.Id == second.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Url, $"http://127.0.0.2:{insidePort}/hook"));
        }

        await ReferralsFlow.CreateAsync(atd);
        var redirected = await LastErrorAsync(atd, redirectId);
        var rebound = await LastErrorAsync(atd, rebindId);

        Assert.Contains("307", redirected, StringComparison.Ordinal);
        Assert.Contains("redirect", redirected, StringComparison.Ordinal);
        Assert.StartsWith("WEBHOOK_ADDRESS_NOT_ALLOWED", rebound, StringComparison.Ordinal);
        Assert.Equal(0, reached);
        inside.Stop();
    }

    [Fact]
    public async Task Without_webhooks_manage_the_webhook_fields_do_not_exist()
    {
        await using var server = await ServerProcess.StartAsync();
        var ngo = new GraphQLClient(new HttpClient { BaseAddress = server.Url }, await server.TokenAsync("demo-ngo-partner", "demo-secret-ngo-partner"));

        var add = await AddAsync(ngo, "https://example.org/hook");
        Assert.Equal(HttpStatusCode.BadRequest, add.Status);
        Assert.Contains(add.Errors!, e => e!["message"]!.GetValue<string>().StartsWith("Cannot query field 'addWebhook' on type 'Mutation'.", StringComparison.Ordinal));
        Assert.DoesNotContain(add.Errors!, e => e!["message"]!.GetValue<string>().Contains("Did you mean", StringComparison.Ordinal));
        var list = await ngo.PostAsync("{ webhooks { id } webhookDeliveries(webhookId: \"x\") { sequence } }");
        Assert.Equal(2, list.Errors!.Count);
        Assert.All(list.Errors, e => Assert.StartsWith("Cannot query field", e!["message"]!.GetValue<string>(), StringComparison.Ordinal));
        var types = (await ngo.PostAsync("{ __type(name: \"Webhook\") { name } __schema { mutationType { fields { name } } } }")).AssertNoErrors().Data!;
        Assert.Null(types["__type"]);
        Assert.DoesNotContain(types["__schema"]!["mutationType"]!["fields"]!.AsArray(), f => f!["name"]!.GetValue<string>().Contains("Webhook", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_receiver_failing_past_the_give_up_time_disables_the_endpoint_with_a_reason_and_a_replay_delivers_again()
    {
        var settings = WebhookDeliveryTests.Settings();
        settings["Webhooks__GiveUpAfter"] = "00:00:02";
        await using var server = await ServerProcess.StartAsync(settings);
        await using var receiver = new WebhookReceiver(ServerProcess.FreePort());
        var atd = new GraphQLClient(new HttpClient { BaseAddress = server.Url }, await server.TokenAsync());
        var (id, secret) = await WebhookDeliveryTests.AddAsync(atd, receiver.Url);
        receiver.Secret = secret;
        receiver.FailNext(int.MaxValue);
        var (_, sequence) = await ReferralsFlow.CreateAsync(atd);

        var webhook = await EventuallyAsync(atd, "{ webhooks { id status disabledReason } }", d => d["webhooks"]![0]!["status"]!.GetValue<string>() == "DISABLED");
        var reason = webhook["webhooks"]![0]!["disabledReason"]!.GetValue<string>();
        Assert.Contains($"Event {sequence} could not be delivered", reason, StringComparison.Ordinal);
        Assert.Contains("The receiver answered 500.", reason, StringComparison.Ordinal);
        Assert.Contains($"replay from {sequence}", reason, StringComparison.Ordinal);
        var failed = (await atd.PostAsync("query($id: ID!) { webhookDeliveries(webhookId: $id) { sequence status attempts } }", new { id })).AssertNoErrors().Data!["webhookDeliveries"]![0]!;
        Assert.Equal("FAILED", failed["status"]!.GetValue<string>());
        Assert.True(failed["attempts"]!.GetValue<int>() >= 2);

        receiver.FailNext(0);
        (await atd.PostAsync("mutation($input: ReplayWebhookInput!) { replayWebhook(input: $input) { webhook { status } } }", new { input = new { webhookId = id, fromSequence = sequence } })).AssertNoErrors();
        var delivered = Assert.Single(await receiver.WaitForAsync(1, Wait));
        Assert.Equal($"evt_{sequence}", delivered.Id);
    }

    private static Task<GraphQLResponse> AddAsync(GraphQLClient client, string url, string document = WebhookDeliveryTests.Document) =>
        client.PostAsync("mutation($input: AddWebhookInput!) { addWebhook(input: $input) { webhook { id } secret } }", new { input = new { url, document } });

    private static async Task<string> LastErrorAsync(GraphQLClient client, string id)
    {
        var data = await EventuallyAsync(client, $"{{ webhookDeliveries(webhookId: \"{id}\") {{ lastError }} }}", d => d["webhookDeliveries"]!.AsArray().Count > 0);
        return data["webhookDeliveries"]![0]!["lastError"]!.GetValue<string>();
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> EventuallyAsync(GraphQLClient client, string query, Func<System.Text.Json.Nodes.JsonNode, bool> done)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var data = (await client.PostAsync(query)).AssertNoErrors().Data!;
            if (done(data) || DateTime.UtcNow > deadline)
            {
                return data;
            }

            await Task.Delay(200);
        }
    }
}
