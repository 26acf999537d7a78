using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Identity;

public sealed class TokenEndpointTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Client_credentials_give_a_signed_unencrypted_jwt_for_60_minutes_naming_the_organisation()
    {
        var response = await fixture.App.RequestTokenAsync("demo-ngo-partner", "demo-secret-ngo-partner", "statistics.read referrals.read");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        Assert.InRange(body["expires_in"]!.GetValue<int>(), 3590, 3600);

        var jwt = new JsonWebToken(body["access_token"]!.GetValue<string>());
        Assert.Equal("RS256", jwt.Alg);
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Equal("wvft", jwt.GetClaim("org").Value);
        Assert.Equal("Ngo", jwt.GetClaim("org_kind").Value);
        Assert.Equal("demo-ngo-partner", jwt.GetClaim("client_id").Value);
        Assert.Equal("statistics.read referrals.read", jwt.GetClaim("scope").Value);
        Assert.Contains("partnergraph", jwt.Audiences);
        Assert.InRange((jwt.ValidTo - jwt.IssuedAt).TotalMinutes, 59.9, 60.1);
    }

    [Fact]
    public async Task Without_a_scope_the_token_carries_every_scope_the_client_holds()
    {
        var token = new JsonWebToken(await fixture.App.TokenAsync("demo-government-analyst", "demo-secret-government-analyst"));
        Assert.Equal(["coverage.read", "statistics.read"], token.GetClaim("scope").Value.Split(' ').Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Discovery_publishes_the_token_endpoint_and_the_signing_keys()
    {
        var http = fixture.App.CreateClient();
        var discovery = (await http.GetFromJsonAsync<JsonObject>("/.well-known/openid-configuration"))!;
        Assert.EndsWith("/connect/token", discovery["token_endpoint"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("client_credentials", discovery["grant_types_supported"]!.AsArray().Select(g => g!.GetValue<string>()));
        var jwks = (await http.GetFromJsonAsync<JsonObject>(new Uri(discovery["jwks_uri"]!.GetValue<string>()).PathAndQuery))!;
        Assert.Contains(jwks["keys"]!.AsArray(), k => k!["kty"]!.GetValue<string>() == "RSA" && k["use"]?.GetValue<string>() == "sig");
    }

    [Theory]
    [InlineData("demo-integrator", "wrong-secret", null, HttpStatusCode.Unauthorized, "invalid_client")]
    [InlineData("no-such-client", "whatever", null, HttpStatusCode.Unauthorized, "invalid_client")]
    [InlineData("demo-integrator", "demo-secret-integrator", "audit.read", HttpStatusCode.BadRequest, "invalid_scope")]
    [InlineData("demo-integrator", "demo-secret-integrator", "children.read", HttpStatusCode.BadRequest, "invalid_scope")]
    [InlineData("demo-integrator", "demo-secret-integrator", "openid", HttpStatusCode.BadRequest, "invalid_scope")]
    [InlineData("demo-integrator", "demo-secret-integrator", "referrals.read openid", HttpStatusCode.BadRequest, "invalid_scope")]
    [InlineData("demo-integrator", "demo-secret-integrator", "offline_access", HttpStatusCode.BadRequest, "invalid_scope")]
    public async Task Refused_token_requests_answer_as_rfc_6749_says_and_give_no_token(string clientId, string secret, string? scope, HttpStatusCode status, string error)
    {
        var response = await fixture.App.RequestTokenAsync(clientId, secret, scope);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(error, body["error"]!.GetValue<string>());
        Assert.Null(body["access_token"]);
        Assert.Null(body["id_token"]);
    }

    [Fact]
    public async Task An_unsupported_grant_is_refused()
    {
        var response = await fixture.App.CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = "x",
            ["password"] = "y",
            ["client_id"] = "demo-integrator",
            ["client_secret"] = "demo-secret-integrator",
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_grant_type", (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
    }
}
