using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PartnerGraph.Tests.Infrastructure;

/// <summary>
/// What an analyst's browser does, against the in-process server or a started one: the login form (with its
/// antiforgery token and cookie), then the authorization code flow with PKCE, one redirect at a time so each answer can
/// be checked.
/// </summary>
public sealed partial class AnalystBrowser(HttpClient http)
{
    public const string RedirectUri = "http://localhost:5080/account/token";

    public AnalystBrowser(PartnerGraphApp app)
        : this(app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }))
    {
    }

    public HttpClient Http { get; } = http;

    /// <summary>A browser of its own (its own cookies) on a started server, connecting from the loopback address given.</summary>
    public static AnalystBrowser Over(ServerProcess server, string sourceAddress = "127.0.0.1") =>
        new(LoopbackClients.From(sourceAddress, server.Url, new CookieContainer()));

    /// <summary>The login form's antiforgery field, as the page gives it.</summary>
    public async Task<string> AntiforgeryTokenAsync()
    {
        var form = await Http.GetStringAsync(new Uri("/account/login", UriKind.Relative));
        return WebUtility.HtmlDecode(AntiforgeryField().Match(form).Groups[1].Value);
    }

    /// <summary>Posts the login form with an antiforgery token read before (so that many posts can leave at once).</summary>
    public Task<HttpResponseMessage> PostLoginAsync(string antiforgeryToken, string email, string password, string returnUrl = "") =>
        Http.PostAsync(new Uri("/account/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = antiforgeryToken,
            ["email"] = email,
            ["password"] = password,
            ["returnUrl"] = returnUrl,
        }));

    /// <summary>Posts the login form as the page gives it; returns the answer (302 when signed in).</summary>
    public async Task<HttpResponseMessage> SignInAsync(string email, string password, string returnUrl = "") =>
        await PostLoginAsync(await AntiforgeryTokenAsync(), email, password, returnUrl);

    /// <summary>GET /connect/authorize with the parameters given (null leaves one out).</summary>
    public Task<HttpResponseMessage> AuthorizeAsync(string? codeChallenge, string? method = "S256", string? scope = null, string redirectUri = RedirectUri)
    {
        var query = new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = "partnergraph-ide",
            ["redirect_uri"] = redirectUri,
            ["state"] = "state-1",
            ["code_challenge"] = codeChallenge,
            ["code_challenge_method"] = codeChallenge is null ? null : method,
            ["scope"] = scope,
        };
        var text = string.Join('&', query.Where(p => p.Value is not null).Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value!)));
        return Http.GetAsync(new Uri("/connect/authorize?" + text, UriKind.Relative));
    }

    public Task<HttpResponseMessage> ExchangeAsync(string code, string verifier) =>
        Http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["client_id"] = "partnergraph-ide",
            ["code"] = code,
            ["redirect_uri"] = RedirectUri,
            ["code_verifier"] = verifier,
        }));

    /// <summary>The whole flow for a signed-in analyst: the access token's response, as JSON.</summary>
    public async Task<JsonObject> TokenAsync(string? scope = null)
    {
        var (verifier, challenge) = Pkce();
        var authorize = await AuthorizeAsync(challenge, scope: scope);
        Assert.True(authorize.StatusCode == HttpStatusCode.Redirect, await authorize.Content.ReadAsStringAsync());
        var code = QueryValue(authorize.Headers.Location!, "code") ?? throw new InvalidOperationException("No code in " + authorize.Headers.Location);
        var response = await ExchangeAsync(code, verifier);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return body;
    }

    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    public static string? QueryValue(Uri uri, string name) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query).TryGetValue(name, out var value) ? value.ToString() : null;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
