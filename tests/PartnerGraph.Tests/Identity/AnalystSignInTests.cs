using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Identity.Analysts;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Identity;

/// <summary>Analysts sign in on the login page and get a token through the authorization code flow with PKCE (S256).</summary>
public sealed class AnalystSignInTests
{
    private const string AtdAnalyst = "analyst@atd.demo";

    [Fact]
    public async Task A_demo_analyst_gets_a_token_for_their_person_organisation_and_role()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var browser = new AnalystBrowser(app);
        var signIn = await browser.SignInAsync(AtdAnalyst, DemoAnalysts.Password);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        var token = await browser.TokenAsync();
        Assert.Equal("statistics.read coverage.read", token["scope"]!.GetValue<string>());
        Assert.InRange(token["expires_in"]!.GetValue<int>(), 1, 30 * 60);

        var client = new GraphQLClient(app.CreateClient(), token["access_token"]!.GetValue<string>());
        var viewer = (await client.PostAsync("query Me { viewer { clientId personId organisation { slug } scopes } }", operationName: "Me")).AssertNoErrors();
        await using var db = await app.OpenDatabaseAsync();
        var analyst = await db.Analysts.SingleAsync(a => a.Email == AtdAnalyst);
        Assert.Equal(analyst.Id, viewer.Data!["viewer"]!["personId"]!.GetValue<string>());
        Assert.Equal("partnergraph-ide", viewer.Data!["viewer"]!["clientId"]!.GetValue<string>());
        Assert.Equal("atd", viewer.Data!["viewer"]!["organisation"]!["slug"]!.GetValue<string>());

        var logged = await db.AccessLog.Where(e => e.OperationName == "Me").SingleAsync();
        Assert.Equal(analyst.Id, logged.PersonId);
        Assert.Equal("atd", logged.OrganisationId);
    }

    [Fact]
    public async Task Without_a_sign_in_the_authorization_sends_the_analyst_to_the_login_page_and_back()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var browser = new AnalystBrowser(app);
        var (_, challenge) = AnalystBrowser.Pkce();

        var authorize = await browser.AuthorizeAsync(challenge);
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        Assert.Equal("/account/login", authorize.Headers.Location!.AbsolutePath);
        var returnUrl = AnalystBrowser.QueryValue(authorize.Headers.Location, "ReturnUrl")!;
        Assert.StartsWith("/connect/authorize?", returnUrl, StringComparison.Ordinal);

        var signIn = await browser.SignInAsync(AtdAnalyst, DemoAnalysts.Password, returnUrl);
        Assert.Equal(returnUrl, signIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task The_token_page_and_login_page_allow_no_inline_script_and_no_framing()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        foreach (var path in new[] { "/account/login", "/account/token" })
        {
            var response = await app.CreateClient().GetAsync(new Uri(path, UriKind.Relative));
            var policy = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("<script>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_wrong_password_is_refused_without_a_cookie_and_without_saying_whether_the_address_exists()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var browser = new AnalystBrowser(app);

        var wrong = await browser.SignInAsync(AtdAnalyst, "not-the-password");
        var unknown = await browser.SignInAsync("nobody@atd.demo", "not-the-password");

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.False(wrong.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("partnergraph-analyst", StringComparison.Ordinal)));
        Assert.Contains(SignInResult.WrongCredentials, await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(SignInResult.WrongCredentials, await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var (_, challenge) = AnalystBrowser.Pkce();
        Assert.Equal("/account/login", (await browser.AuthorizeAsync(challenge)).Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Five_failures_in_a_row_lock_the_account_even_against_the_right_password()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var browser = new AnalystBrowser(app);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SignInAsync(AtdAnalyst, "wrong-" + i)).StatusCode);
        }

        // The right password now gets the answer a wrong one gets: the lock is not told apart.
        var right = await browser.SignInAsync(AtdAnalyst, DemoAnalysts.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Contains(SignInResult.WrongCredentials, await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var db = await app.OpenDatabaseAsync();
        var analyst = await db.Analysts.SingleAsync(a => a.Email == AtdAnalyst);
        Assert.True(analyst.LockedUntil > DateTime.UtcNow.AddMinutes(14));
    }

    [Fact]
    public async Task The_login_form_is_refused_without_its_antiforgery_token()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var browser = new AnalystBrowser(app);
        var response = await browser.Http.PostAsync(new Uri("/account/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = AtdAnalyst,
            ["password"] = DemoAnalysts.Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("did not come from this page", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("plain", "plain")]
    public async Task An_authorization_without_S256_PKCE_is_refused(string? challenge, string? method)
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var browser = new AnalystBrowser(app);
        await browser.SignInAsync(AtdAnalyst, DemoAnalysts.Password);

        var response = await browser.AuthorizeAsync(challenge is null ? null : "a-plain-challenge-that-is-long-enough-to-be-valid-0123456789", method);

        Assert.Null(response.Headers.Location is { } location ? AnalystBrowser.QueryValue(location, "code") : null);
        var error = response.Headers.Location is { } redirect ? AnalystBrowser.QueryValue(redirect, "error") : await response.Content.ReadAsStringAsync();
        Assert.Contains("invalid_request", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_code_with_the_wrong_verifier_gets_no_token()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var browser = new AnalystBrowser(app);
        await browser.SignInAsync(AtdAnalyst, DemoAnalysts.Password);
        var (_, challenge) = AnalystBrowser.Pkce();
        var authorize = await browser.AuthorizeAsync(challenge);
        var code = AnalystBrowser.QueryValue(authorize.Headers.Location!, "code")!;

        var (otherVerifier, _) = AnalystBrowser.Pkce();
        var response = await browser.ExchangeAsync(code, otherVerifier);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("invalid_grant", body!["error"]!.GetValue<string>());
        Assert.Null(body["access_token"]);
    }

    [Fact]
    public async Task A_code_redeemed_twice_gets_nothing_the_second_time_and_revokes_the_token_of_the_first()
    {
        await using var app = await PartnerGraphApp.StartAsync(settings: new Dictionary<string, string?> { ["Identity:ClientStatusCacheSeconds"] = "0" });
        var browser = new AnalystBrowser(app);
        await browser.SignInAsync(AtdAnalyst, DemoAnalysts.Password);
        var (verifier, challenge) = AnalystBrowser.Pkce();
        var code = AnalystBrowser.QueryValue((await browser.AuthorizeAsync(challenge)).Headers.Location!, "code")!;

        var first = await browser.ExchangeAsync(code, verifier);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var token = (await first.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
        var client = new GraphQLClient(app.CreateClient(), token);
        (await client.PostAsync("{ viewer { personId } }")).AssertNoErrors();

        var replay = await browser.ExchangeAsync(code, verifier);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        var refused = (await replay.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("invalid_grant", refused["error"]!.GetValue<string>());
        Assert.Null(refused["access_token"]);

        var afterReplay = await client.PostAsync("{ viewer { personId } }");
        Assert.Equal(HttpStatusCode.Unauthorized, afterReplay.Status);
        Assert.Equal("INVALID_TOKEN", afterReplay.FirstErrorCode);
        Assert.Null(afterReplay.Body["data"]);
    }

    [Fact]
    public async Task An_analyst_cannot_have_a_scope_outside_their_role_or_their_organisation()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // The integrator's organisation holds only referrals.read: an ngo-partner role there gets only that.
            await scope.ServiceProvider.GetRequiredService<AnalystDirectory>().AddAsync("shelter-northern-children", "analyst@shelter.example", "a-long-test-password", "ngo-partner");
        }

        var atd = new AnalystBrowser(app);
        await atd.SignInAsync(AtdAnalyst, DemoAnalysts.Password);
        var (_, challenge) = AnalystBrowser.Pkce();
        var refused = await atd.AuthorizeAsync(challenge, scope: "referrals.read");
        Assert.Equal("invalid_scope", AnalystBrowser.QueryValue(refused.Headers.Location!, "error"));

        var shelter = new AnalystBrowser(app);
        await shelter.SignInAsync("analyst@shelter.example", "a-long-test-password");
        var token = await shelter.TokenAsync();
        Assert.Equal("referrals.read", token["scope"]!.GetValue<string>());
        var askedForMore = await shelter.AuthorizeAsync(AnalystBrowser.Pkce().Challenge, scope: "referrals.read statistics.read");
        Assert.Equal("invalid_scope", AnalystBrowser.QueryValue(askedForMore.Headers.Location!, "error"));
        var askedForOpenId = await shelter.AuthorizeAsync(AnalystBrowser.Pkce().Challenge, scope: "openid referrals.read");
        Assert.Equal("invalid_scope", AnalystBrowser.QueryValue(askedForOpenId.Headers.Location!, "error"));

        var client = new GraphQLClient(app.CreateClient(), token["access_token"]!.GetValue<string>());
        var statistics = await client.PostAsync("{ caseStatistics(groupBy: [YEAR]) { total { count } } }");
        Assert.StartsWith("Cannot query field 'caseStatistics'", statistics.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
