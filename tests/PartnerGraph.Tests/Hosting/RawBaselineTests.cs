using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using PartnerGraph.Server.Hosting;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Hosting;

/// <summary>
/// The benchmark's raw endpoint is only a fair yardstick if it answers what GraphQL answers: the same JSON for the
/// benchmark's document, for the same caller, and nothing at all unless asked for.
/// </summary>
public sealed class RawBaselineTests
{
    private static readonly string Document = File.ReadAllText(RepositoryRoot.File("bench", "referral-page.graphql"));

    [Theory]
    [InlineData(TestDatabase.AllScopesClient, TestDatabase.AllScopesSecret, 50)]
    [InlineData(TestDatabase.AllScopesClient, TestDatabase.AllScopesSecret, 3)]
    [InlineData(TestDatabase.ShelterClient, TestDatabase.ShelterSecret, 100)]
    public async Task The_raw_endpoint_answers_the_same_json_as_the_benchmark_document(string clientId, string secret, int first)
    {
        await using var app = await PartnerGraphApp.StartAsync(settings: new Dictionary<string, string?> { ["Bench:RawBaseline"] = "true" });
        var client = await app.GraphQLAsync(clientId, secret);

        var graphQL = (await client.PostAsync(Document, new { first })).AssertNoErrors();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{RawReferralsBaseline.Path}?first={first}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", client.Token);
        using var raw = await client.Http.SendAsync(request);
        var rawBody = JsonNode.Parse(await raw.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.True(graphQL.Data!["referrals"]!["nodes"]!.AsArray().Count > 0);
        Assert.True(JsonNode.DeepEquals(graphQL.Body, rawBody), $"GraphQL: {graphQL.Body.ToJsonString()}\nraw: {rawBody?.ToJsonString()}");
    }

    [Fact]
    public async Task The_raw_endpoint_refuses_a_request_without_a_token_and_is_not_there_unless_asked_for()
    {
        await using (var benchmarked = await PartnerGraphApp.StartAsync(settings: new Dictionary<string, string?> { ["Bench:RawBaseline"] = "true" }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await benchmarked.CreateClient().GetAsync(RawReferralsBaseline.Path)).StatusCode);
        }

        await using var app = await PartnerGraphApp.StartAsync();
        var client = await app.GraphQLAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, RawReferralsBaseline.Path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", client.Token);
        Assert.Equal(HttpStatusCode.NotFound, (await client.Http.SendAsync(request)).StatusCode);
    }
}
