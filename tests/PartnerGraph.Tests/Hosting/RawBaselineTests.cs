using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using PartnerGraph.Bench.RawBaseline;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Hosting;

/// <summary>
/// The benchmark's raw endpoint is only a fair yardstick if it answers what GraphQL answers: the same JSON for the
/// benchmark's document, for the same caller. It lives in bench/ and is loaded into a server process only when named,
/// as the benchmark does; the server's own build has none of it.
/// </summary>
public sealed class RawBaselineTests
{
    private static readonly string Document = File.ReadAllText(RepositoryRoot.File("bench", "referral-page.graphql"));

    [Fact]
    public async Task Loaded_as_the_benchmark_loads_it_the_raw_endpoint_answers_the_same_json_as_the_benchmark_document_and_refuses_no_token()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>(RawBaselineStartup.ServerEnvironment));
        using var http = new HttpClient { BaseAddress = server.Url };
        foreach (var (clientId, secret, first) in new[] { (TestDatabase.AllScopesClient, TestDatabase.AllScopesSecret, 50), (TestDatabase.AllScopesClient, TestDatabase.AllScopesSecret, 3), (TestDatabase.ShelterClient, TestDatabase.ShelterSecret, 100) })
        {
            var client = new GraphQLClient(http, await server.TokenAsync(clientId, secret));
            var graphQL = (await client.PostAsync(Document, new { first })).AssertNoErrors();
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{RawReferralsBaseline.Path}?first={first}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", client.Token);
            using var raw = await http.SendAsync(request);
            var rawBody = JsonNode.Parse(await raw.Content.ReadAsStringAsync());

            Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
            Assert.True(graphQL.Data!["referrals"]!["nodes"]!.AsArray().Count > 0);
            Assert.True(JsonNode.DeepEquals(graphQL.Body, rawBody), $"GraphQL: {graphQL.Body.ToJsonString()}\nraw: {rawBody?.ToJsonString()}");
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(RawReferralsBaseline.Path)).StatusCode);
    }

    [Fact]
    public async Task A_server_not_told_to_load_it_has_no_raw_endpoint_and_its_build_no_trace_of_it()
    {
        await using var server = await ServerProcess.StartAsync();
        using var http = new HttpClient { BaseAddress = server.Url };
        using var request = new HttpRequestMessage(HttpMethod.Get, RawReferralsBaseline.Path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await server.TokenAsync());

        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(request)).StatusCode);
        Assert.Empty(Directory.GetFiles(ServerProcess.ServerDirectory, "PartnerGraph.Bench*"));
        Assert.DoesNotContain(typeof(Program).Assembly.GetTypes(), t => t.Name.Contains("Raw", StringComparison.Ordinal));
    }
}
