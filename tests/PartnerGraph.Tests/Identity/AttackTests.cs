using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Identity;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Identity;

/// <summary>What an attacker or a confused partner tries; none of it gets data.</summary>
public sealed class AttackTests
{
    private const string ViewerQuery = "{ viewer { clientId } }";

    public static TheoryData<string> ForgedTokens => ["expired", "another-key", "alg-none", "another-issuer", "garbage"];

    [Fact]
    public async Task A_request_without_a_token_gets_401_with_a_bearer_challenge_before_any_graphql_work()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var client = new GraphQLClient(app.CreateClient(), null);
        app.Commands.Reset();
        var response = await client.PostAsync("{ this is not even graphql");
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("UNAUTHENTICATED", response.FirstErrorCode);
        Assert.Equal("Bearer", response.Message.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Null(response.Body["data"]);
        Assert.Equal(0, app.Commands.DataCount);
    }

    [Fact]
    public async Task A_token_crafted_like_the_servers_own_is_accepted_so_the_forgeries_below_fail_for_their_flaw()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var crafting = await TokenCrafting.ForAsync(app);
        var response = await new GraphQLClient(app.CreateClient(), crafting.Create()).PostAsync(ViewerQuery);
        response.AssertNoErrors();
    }

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task A_forged_or_expired_token_gets_401_invalid_token(string forgery)
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var crafting = await TokenCrafting.ForAsync(app);
        var token = forgery switch
        {
            "expired" => crafting.Create(expires: DateTime.UtcNow.AddMinutes(-10)),
            "another-key" => crafting.Create(signing: TokenCrafting.AnotherKey()),
            "alg-none" => crafting.CreateUnsigned(),
            "another-issuer" => crafting.Create(issuerOverride: "https://attacker.example/"),
            _ => "not.a.token",
        };

        var response = await new GraphQLClient(app.CreateClient(), token).PostAsync(ViewerQuery);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("INVALID_TOKEN", response.FirstErrorCode);
        Assert.Contains("invalid_token", response.Message.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.Null(response.Body["data"]);
    }

    [Fact]
    public async Task A_disabled_client_gets_no_token_and_its_live_token_stops_working()
    {
        await using var app = await PartnerGraphApp.StartAsync(settings: new Dictionary<string, string?> { ["Identity:ClientStatusCacheSeconds"] = "1" });
        var client = await app.GraphQLAsync("demo-integrator", "demo-secret-integrator");
        (await client.PostAsync(ViewerQuery)).AssertNoErrors();

        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>().DisableAsync("demo-integrator");
        }

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var refused = await client.PostAsync(ViewerQuery);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal("CLIENT_DISABLED", refused.FirstErrorCode);

        var token = await app.RequestTokenAsync("demo-integrator", "demo-secret-integrator");
        Assert.False(token.IsSuccessStatusCode);
        Assert.Contains("invalid_client", await token.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Partner_A_cannot_reach_partner_Bs_referral_by_id_list_filter_or_node()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        const string partnerA = "shelter-northern-children";
        await using var db = await app.OpenDatabaseAsync();
        var foreign = await db.Referrals.FirstAsync(r => r.FromOrganisationId != partnerA && r.ToOrganisationId != partnerA);
        var own = await db.Referrals.FirstAsync(r => r.FromOrganisationId == partnerA || r.ToOrganisationId == partnerA);
        var client = await app.GraphQLAsync("demo-integrator", "demo-secret-integrator");

        string Id(long key) => PartnerGraph.GraphQL.Common.GlobalId.Encode("Referral", key);
        var byId = (await client.PostAsync("query($a: ID!, $b: ID!, $none: ID!) { foreign: referral(id: $a) { reference } own: referral(id: $b) { reference } none: referral(id: $none) { reference } node(id: $a) { id } }",
            new { a = Id(foreign.Id), b = Id(own.Id), none = Id(99_999_999) })).AssertNoErrors();
        Assert.Null(byId.Data!["foreign"]);
        Assert.Null(byId.Data!["none"]);
        Assert.Null(byId.Data!["node"]);
        Assert.Equal(own.Reference, byId.Data!["own"]!["reference"]!.GetValue<string>());

        var byFilter = (await client.PostAsync("query($org: String) { referrals(first: 100, filter: { organisation: $org }) { nodes { reference fromOrganisation { slug } toOrganisation { slug } } } }",
            new { org = foreign.FromOrganisationId })).AssertNoErrors();
        Assert.DoesNotContain(byFilter.Data!["referrals"]!["nodes"]!.AsArray(), n => n!["reference"]!.GetValue<string>() == foreign.Reference);
        Assert.All(byFilter.Data!["referrals"]!["nodes"]!.AsArray(), n =>
            Assert.Contains(partnerA, new[] { n!["fromOrganisation"]!["slug"]!.GetValue<string>(), n["toOrganisation"]!["slug"]!.GetValue<string>() }));
    }

    [Fact]
    public async Task A_token_cannot_speak_for_another_organisation_by_editing_its_claims()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var real = await app.TokenAsync("demo-integrator", "demo-secret-integrator");
        var parts = real.Split('.');
        var payload = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])).Replace("shelter-northern-children", "atd", StringComparison.Ordinal);
        var tampered = $"{parts[0]}.{System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(payload))}.{parts[2]}";

        var response = await new GraphQLClient(app.CreateClient(), tampered).PostAsync(ViewerQuery);
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("INVALID_TOKEN", response.FirstErrorCode);
    }

    [Fact]
    public async Task Every_refused_attempt_is_in_the_access_log_without_the_secret_or_the_token()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var crafting = await TokenCrafting.ForAsync(app);
        var forged = crafting.Create(signing: TokenCrafting.AnotherKey());
        await app.RequestTokenAsync("demo-integrator", "wrong-secret-123");
        await app.RequestTokenAsync("demo-integrator", "demo-secret-integrator", "audit.read");
        await new GraphQLClient(app.CreateClient(), null).PostAsync(ViewerQuery);
        await new GraphQLClient(app.CreateClient(), forged).PostAsync(ViewerQuery);

        await using var db = await app.OpenDatabaseAsync();
        var refused = await db.AccessLog.Where(e => e.Outcome == PartnerGraph.Domain.Audit.AccessOutcome.Refused).ToListAsync();
        Assert.Contains(refused, e => e.OperationType == "token" && e.ClientId == "demo-integrator" && e.ErrorCodes == "invalid_client");
        Assert.Contains(refused, e => e.OperationType == "token" && e.ClientId == "demo-integrator" && e.ErrorCodes == "invalid_scope");
        Assert.Contains(refused, e => e.ErrorCodes == "UNAUTHENTICATED" && e.ClientId == null);
        Assert.Contains(refused, e => e.ErrorCodes == "INVALID_TOKEN" && e.ClientId == null);

        var everything = string.Join('\n', (await db.AccessLog.ToListAsync()).Select(e => System.Text.Json.JsonSerializer.Serialize(e)));
        Assert.DoesNotContain("wrong-secret-123", everything, StringComparison.Ordinal);
        Assert.DoesNotContain(forged, everything, StringComparison.Ordinal);
    }
}
