using System.Net;
using System.Text.Json.Nodes;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Ide;

/// <summary>Banana Cake Pop at /graphql for browsers, from the project's own copy; GraphQL over HTTP unchanged for everyone else.</summary>
public sealed class AnalystIdeTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

    [Fact]
    public async Task A_browser_asking_for_HTML_gets_the_IDE_with_its_security_headers()
    {
        var response = await GetAsync("/graphql", BrowserAccept);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<title>Banana Cake Pop</title>", html, StringComparison.Ordinal);
        Assert.Contains("<base href=\"/graphql/\"/>", html, StringComparison.Ordinal);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("http", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task The_IDE_files_and_the_licence_are_served_beside_it_from_the_local_copy()
    {
        var html = await (await GetAsync("/graphql/", BrowserAccept)).Content.ReadAsStringAsync();
        var script = System.Text.RegularExpressions.Regex.Match(html, "src=\"(static/js/main[^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(script);

        var js = await GetAsync("/graphql/" + script, "*/*");
        Assert.Equal(HttpStatusCode.OK, js.StatusCode);
        Assert.Equal("text/javascript", js.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", js.Headers.GetValues("X-Content-Type-Options").Single());

        var licence = await GetAsync("/graphql/LICENSE", "*/*");
        Assert.Equal(HttpStatusCode.OK, licence.StatusCode);
        Assert.Contains("ChilliCream License 1.0", await licence.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Its_configuration_points_at_this_server_with_telemetry_off()
    {
        var response = await GetAsync("/graphql/bcp-config.json", "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var config = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(config["useBrowserUrlAsEndpoint"]!.GetValue<bool>());
        Assert.Equal("/graphql", config["endpoint"]!.GetValue<string>());
        Assert.True(config["disableTelemetry"]!.GetValue<bool>());
        Assert.False(config["includeCookies"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/graphql-response+json")]
    [InlineData("*/*")]
    public async Task A_request_that_does_not_ask_for_HTML_is_still_GraphQL_over_HTTP(string accept)
    {
        var anonymous = await GetAsync("/graphql?query=%7B__typename%7D", accept);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var answer = await fixture.Client.GetAsync("{ __typename }", accept);
        answer.AssertNoErrors();
        Assert.Equal("Query", answer.Data!["__typename"]!.GetValue<string>());
        Assert.False(answer.Message.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task A_GET_with_a_query_is_GraphQL_even_from_a_browser()
    {
        var response = await GetAsync("/graphql?query=%7B__typename%7D", BrowserAccept);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        return await fixture.App.CreateClient().SendAsync(request);
    }
}
