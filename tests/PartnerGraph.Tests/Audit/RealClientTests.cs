using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.GraphQL;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.Identity;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Audit;

/// <summary>
/// The clients partners use, unmodified and set up as their documentation says, against a started server
/// (tests/audit/clients.mjs, versions pinned in tests/audit/package-lock.json): urql with its default exchanges,
/// Apollo Client with the persisted queries link, and graphql-js introspection with buildClientSchema per role.
/// </summary>
public sealed class RealClientTests
{
    [Fact]
    public async Task Urql_apollo_with_persisted_queries_and_graphql_js_introspection_work_against_a_started_server()
    {
        await using var server = await ServerProcess.StartAsync(database: await TestDatabase.CopyAsync());
        var roleTokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var client in DemoClients.All)
        {
            roleTokens[client.Bundle] = await server.TokenAsync(client.ClientId, client.Secret);
        }

        var environment = new Dictionary<string, string>
        {
            ["PARTNERGRAPH_TOKEN"] = await server.TokenAsync(),
            ["PARTNERGRAPH_ROLE_TOKENS"] = JsonSerializer.Serialize(roleTokens),
        };
        var output = JsonNode.Parse(await Node.RunAsync("clients.mjs", environment, new Uri(server.Url, "/graphql").ToString()))!;

        // urql: a query answered as JSON although its Accept names text/event-stream too.
        var urql = output["urql"]!;
        Assert.True(urql["error"] is null, $"urql: {urql["error"]}");
        Assert.Equal(77, urql["data"]!["provinces"]!.AsArray().Count);
        Assert.Equal(TestDatabase.AllScopesClient, urql["data"]!["viewer"]!["clientId"]!.GetValue<string>());

        // Apollo: hash alone (not found), then the document with its hash, then the hash alone answered.
        var apollo = output["apollo"]!;
        Assert.True(apollo["error"] is null, $"apollo: {apollo["error"]}");
        Assert.Equal(TestDatabase.AllScopesClient, apollo["first"]!["viewer"]!["clientId"]!.GetValue<string>());
        Assert.Equal(TestDatabase.AllScopesClient, apollo["second"]!["viewer"]!["clientId"]!.GetValue<string>());
        var requests = apollo["requests"]!.AsArray().Select(r => $"{(r!["query"]!.GetValue<bool>() ? "query+" : "")}{(r["hash"]!.GetValue<bool>() ? "hash" : "")} {r["status"]} {r["code"]}").ToList();
        Assert.Equal(["hash 200 PERSISTED_QUERY_NOT_FOUND", "query+hash 200 ", "hash 200 "], requests);

        // graphql-js: each role's introspection builds a client schema with exactly the root fields its scopes allow.
        await using var app = await PartnerGraphApp.StartAsync();
        var everything = app.Services.GetRequiredService<SchemaCatalogue>().Everything;
        foreach (var client in DemoClients.All)
        {
            var role = output["introspection"]![client.Bundle]!;
            Assert.True(role["errors"] is null, $"{client.Bundle}: {role["errors"]?.ToJsonString()}");
            var scopes = client.Scopes.ToHashSet(StringComparer.Ordinal);
            var expected = new[] { everything.Query, everything.Mutation, everything.Subscription }
                .SelectMany(t => t?.Fields ?? [])
                .Where(f => f.IsAllowed(scopes))
                .Select(f => f.Name)
                .Order(StringComparer.Ordinal);
            Assert.Equal(expected, role["fields"]!.AsArray().Select(f => f!.GetValue<string>()));
        }
    }
}
