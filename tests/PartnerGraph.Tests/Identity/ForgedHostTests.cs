using System.Net;
using System.Text.Json.Nodes;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Identity;

/// <summary>
/// Every absolute address the server gives out is built on its configured issuer (Identity:Issuer), never on the Host
/// header a caller sends: a started server over TCP, asked with a forged Host.
/// </summary>
public sealed class ForgedHostTests
{
    private const string Forged = "evil.example";

    [Fact]
    public async Task Discovery_names_every_endpoint_at_the_configured_issuer_whatever_the_host_header()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string> { ["Identity__Issuer"] = "https://partnergraph.example.org/" });
        using var http = ForgedHostClient(server);

        using var response = await http.GetAsync(new Uri("/.well-known/openid-configuration", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var discovery = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

        Assert.Equal("https://partnergraph.example.org/", discovery["issuer"]!.GetValue<string>());
        var addresses = discovery.Where(p => p.Value is JsonValue v && v.TryGetValue<string>(out var s) && s.Contains("://", StringComparison.Ordinal))
            .Select(p => (p.Key, Value: p.Value!.GetValue<string>())).ToList();
        Assert.Contains(addresses, a => a.Key == "token_endpoint");
        Assert.Contains(addresses, a => a.Key == "jwks_uri");
        Assert.All(addresses, a => Assert.True(a.Value.StartsWith("https://partnergraph.example.org/", StringComparison.Ordinal), $"{a.Key}: {a.Value}"));
    }

    [Fact]
    public async Task The_way_to_the_login_page_is_at_the_configured_issuer_whatever_the_host_header()
    {
        await using var server = await ServerProcess.StartAsync();
        using var http = ForgedHostClient(server);
        var (_, challenge) = AnalystBrowser.Pkce();

        using var response = await http.GetAsync(new Uri(
            $"/connect/authorize?response_type=code&client_id=partnergraph-ide&redirect_uri={Uri.EscapeDataString(AnalystBrowser.RedirectUri)}&code_challenge={challenge}&code_challenge_method=S256&state=s",
            UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        Assert.True(location.IsAbsoluteUri, location.OriginalString);
        Assert.Equal("http://localhost:5080/account/login", location.GetLeftPart(UriPartial.Path));
        Assert.DoesNotContain(Forged, location.OriginalString, StringComparison.OrdinalIgnoreCase);
    }

    private static HttpClient ForgedHostClient(ServerProcess server)
    {
        var http = LoopbackClients.From("127.0.0.1", server.Url);
        http.DefaultRequestHeaders.Host = Forged;
        return http;
    }
}
