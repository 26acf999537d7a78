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
/// Apollo Client with the persisted queries link, and graphql-js introspection with buildClientSchema per role;
/// tests/audit/partners.mjs: Apollo Client's mutations and GraphQLWsLink subscription, graphql-request, and
/// graphql-codegen generating TypeScript from the URL. graphql-ws and graphql-sse alone: SubscriptionClientsTests.
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

    [Fact]
    public async Task Apollo_mutations_and_ws_subscription_graphql_request_and_codegen_from_the_url_work_against_a_started_server()
    {
        await using var server = await ServerProcess.StartAsync(database: await TestDatabase.CopyAsync());
        var generated = Path.Combine(TestDatabase.Folder, $"codegen-{Guid.NewGuid():N}.ts");
        var environment = new Dictionary<string, string>
        {
            ["PARTNERGRAPH_TOKEN"] = await server.TokenAsync(),
            ["PARTNERGRAPH_SHELTER"] = TestDatabase.ShelterOrganisation,
            ["PARTNERGRAPH_CODEGEN_OUT"] = generated,
        };
        var output = JsonNode.Parse(await Node.RunAsync("partners.mjs", environment, new Uri(server.Url, "/graphql").ToString()))!;

        // Apollo: a mutation creates, another withdraws, and the GraphQLWsLink subscription receives the withdrawal.
        var apollo = output["apollo"]!;
        Assert.True(apollo["error"] is null, $"apollo: {apollo["error"]}");
        Assert.Equal("SUBMITTED", apollo["created"]!["status"]!.GetValue<string>());
        Assert.Equal("WITHDRAWN", apollo["withdrawn"]!["status"]!.GetValue<string>());
        Assert.Equal(2, apollo["withdrawn"]!["version"]!.GetValue<int>());
        Assert.Equal("WITHDRAWN", apollo["event"]!["status"]!.GetValue<string>());
        Assert.Equal("SUBMITTED", apollo["event"]!["previousStatus"]!.GetValue<string>());
        Assert.Equal(apollo["created"]!["id"]!.GetValue<string>(), apollo["event"]!["referral"]!["id"]!.GetValue<string>());

        // graphql-request: a query, and a refusal a program can act on from its extensions.
        var request = output["graphqlRequest"]!;
        Assert.True(request["error"] is null, $"graphql-request: {request["error"]}");
        Assert.Equal(77, request["provinces"]!.GetValue<int>());
        Assert.Equal(TestDatabase.AllScopesClient, request["clientId"]!.GetValue<string>());
        Assert.Equal("PAGE_SIZE_TOO_LARGE", request["refusal"]!["code"]!.GetValue<string>());
        Assert.Equal(100, request["refusal"]!["limit"]!.GetValue<int>());
        Assert.Equal(101, request["refusal"]!["value"]!.GetValue<int>());

        // graphql-codegen: TypeScript from the live schema, with the schema's descriptions as comments.
        var codegen = output["codegen"]!;
        Assert.True(codegen["exitCode"]!.GetValue<int>() == 0, $"graphql-codegen: {codegen["output"]}");
        var types = await File.ReadAllTextAsync(generated);
        Assert.Contains("export type Referral = Node & {", types, StringComparison.Ordinal);
        Assert.Contains("export type Mutation = {", types, StringComparison.Ordinal);
        Assert.Contains("export enum ReferralStatus {", types, StringComparison.Ordinal);
        Assert.Contains("InService = 'IN_SERVICE'", types, StringComparison.Ordinal);
        Assert.Contains("/** The sender took it back before services started. Final. */", types, StringComparison.Ordinal);
        Assert.Contains("export type QueryReferralArgs = {", types, StringComparison.Ordinal);
    }
}
