using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Identity;

/// <summary>
/// Guessing a partner system's secret at POST /connect/token, against a started server over TCP, from several loopback
/// addresses: failed client authentication is slowed per client and per source address, never for the partner's own.
/// </summary>
public sealed class ClientAuthenticationThrottleTests
{
    private const string Client = "demo-integrator";
    private const string Secret = "demo-secret-integrator";

    [Fact]
    public async Task Wrong_secrets_from_one_address_are_slowed_with_429_and_the_right_secret_from_another_address_is_not()
    {
        await using var server = await ServerProcess.StartAsync();
        using var attacker = LoopbackClients.From("127.0.0.2", server.Url);
        using var partner = LoopbackClients.From("127.0.0.3", server.Url);

        var refused = await GuessUntilSlowedAsync(attacker, Client);
        Assert.Equal("invalid_client", refused.Body["error"]!.GetValue<string>());
        Assert.Equal("RATE_LIMITED", refused.Body["code"]!.GetValue<string>());
        Assert.Contains("try again", refused.Body["error_description"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);

        // While slowed, the secret is not even checked: the right one gets the same answer there.
        var rightFromAttacker = await RequestAsync(attacker, Client, Secret);
        Assert.Equal(HttpStatusCode.TooManyRequests, rightFromAttacker.Status);
        Assert.Null(rightFromAttacker.Body["access_token"]);

        var rightFromPartner = await RequestAsync(partner, Client, Secret);
        Assert.True(rightFromPartner.Status == HttpStatusCode.OK, rightFromPartner.Body.ToJsonString());

        await using var db = server.OpenDatabase();
        var logged = await db.AccessLog.Where(e => e.OperationType == "token" && e.ClientId == Client).ToListAsync();
        Assert.Contains(logged, e => e.ErrorCodes == "invalid_client");
        Assert.Contains(logged, e => e.ErrorCodes == "RATE_LIMITED");
    }

    [Fact]
    public async Task A_client_guessed_from_many_addresses_is_slowed_for_new_addresses_but_not_where_it_got_tokens_before()
    {
        await using var server = await ServerProcess.StartAsync();
        using var home = LoopbackClients.From("127.0.0.20", server.Url);
        Assert.Equal(HttpStatusCode.OK, (await RequestAsync(home, Client, Secret)).Status);

        // Eleven addresses, five wrong secrets each: no address alone goes past its own allowance.
        for (var host = 30; host <= 40; host++)
        {
            using var guesser = LoopbackClients.From($"127.0.0.{host}", server.Url);
            for (var i = 0; i < 5; i++)
            {
                await RequestAsync(guesser, Client, $"wrong-secret-{host}-{i}");
            }
        }

        using var stranger = LoopbackClients.From("127.0.0.50", server.Url);
        var fromStranger = await RequestAsync(stranger, Client, Secret);
        Assert.Equal(HttpStatusCode.TooManyRequests, fromStranger.Status);
        Assert.True(fromStranger.RetryAfter >= 1);

        var fromHome = await RequestAsync(home, Client, Secret);
        Assert.True(fromHome.Status == HttpStatusCode.OK, fromHome.Body.ToJsonString());
    }

    [Fact]
    public async Task Instances_sharing_redis_slow_an_address_together()
    {
        await using var redis = await RedisServer.StartAsync();
        var database = await TestDatabase.CopyAsync();
        var environment = new Dictionary<string, string> { ["Redis__Connection"] = redis.Connection };
        await using var first = await ServerProcess.StartAsync(environment, database);
        await using var second = await ServerProcess.StartAsync(environment, database);
        using var attackerAtFirst = LoopbackClients.From("127.0.0.2", first.Url);
        using var attackerAtSecond = LoopbackClients.From("127.0.0.2", second.Url);
        using var partnerAtSecond = LoopbackClients.From("127.0.0.3", second.Url);

        await GuessUntilSlowedAsync(attackerAtFirst, Client);

        Assert.Equal(HttpStatusCode.TooManyRequests, (await RequestAsync(attackerAtSecond, Client, Secret)).Status);
        Assert.Equal(HttpStatusCode.OK, (await RequestAsync(partnerAtSecond, Client, Secret)).Status);
    }

    [Fact]
    public async Task Behind_a_load_balancer_the_address_counted_is_the_one_it_forwards()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string> { ["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true" });
        using var attacker = LoopbackClients.From("127.0.0.1", server.Url);
        attacker.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");
        using var partner = LoopbackClients.From("127.0.0.1", server.Url);

        // The balancer appends the address it saw; what a client wrote before it is not believed.
        partner.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7, 198.51.100.20");

        await GuessUntilSlowedAsync(attacker, Client);
        Assert.Equal(HttpStatusCode.OK, (await RequestAsync(partner, Client, Secret)).Status);
    }

    /// <summary>
    /// Wrong secrets until the answer is 429 (each answer before it a plain invalid_client), then ten more, which lengthen
    /// the wait; returns the first 429.
    /// </summary>
    private static async Task<TokenAnswer> GuessUntilSlowedAsync(HttpClient http, string clientId)
    {
        for (var attempt = 1; attempt <= 30; attempt++)
        {
            var answer = await RequestAsync(http, clientId, $"wrong-secret-{attempt}");
            if (answer.Status == HttpStatusCode.TooManyRequests)
            {
                Assert.True(attempt > 5, $"slowed after {attempt - 1} failures: a mistyped secret is allowed a few tries");
                Assert.True(answer.RetryAfter >= 1, "429 without Retry-After");
                for (var more = 0; more < 10; more++)
                {
                    Assert.Equal(HttpStatusCode.TooManyRequests, (await RequestAsync(http, clientId, $"wrong-secret-more-{more}")).Status);
                }

                return answer;
            }

            Assert.Equal(HttpStatusCode.Unauthorized, answer.Status);
        }

        Assert.Fail("30 wrong secrets from one address were never slowed");
        return null!;
    }

    private static async Task<TokenAnswer> RequestAsync(HttpClient http, string clientId, string secret)
    {
        using var response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }));
        var retryAfter = response.Headers.RetryAfter?.Delta?.TotalSeconds;
        return new TokenAnswer(response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject(), retryAfter);
    }

    private sealed record TokenAnswer(HttpStatusCode Status, JsonObject Body, double? RetryAfter);
}
