using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.GraphQL;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.Identity;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Identity;

/// <summary>A caller's schema holds exactly the root fields its scopes allow, in validation and introspection alike.</summary>
public sealed class RoleFilteredSchemaTests(RoleFilteredSchemaTests.Clients clients) : IClassFixture<RoleFilteredSchemaTests.Clients>
{
    /// <summary>One client per single scope, all of ATD (whose agreement covers everything).</summary>
    public sealed class Clients : IAsyncLifetime
    {
        public PartnerGraphApp App { get; private set; } = null!;

        public Dictionary<string, GraphQLClient> ByScope { get; } = new(StringComparer.Ordinal);

        public async Task InitializeAsync()
        {
            App = await PartnerGraphApp.StartAsync();
            await using var scope = App.Services.CreateAsyncScope();
            var registry = scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>();
            foreach (var name in Scopes.All)
            {
                var secret = await registry.AddAsync("atd", "single-" + name, [name]);
                ByScope[name] = await App.GraphQLAsync("single-" + name, secret);
            }
        }

        public async Task DisposeAsync() => await App.DisposeAsync();
    }

    public static TheoryData<string> AllScopes => [.. Scopes.All];

    [Fact]
    public async Task A_document_found_valid_for_one_role_is_validated_again_for_another()
    {
        // Validated documents are remembered per schema: the same text must not pass for a role whose schema lacks the field.
        const string Query = "{ caseStatistics(groupBy: [SEX]) { total { count } } }";
        (await clients.ByScope[Scopes.StatisticsRead].PostAsync(Query)).AssertNoErrors();
        (await clients.ByScope[Scopes.StatisticsRead].PostAsync(Query)).AssertNoErrors();

        var other = await clients.ByScope[Scopes.ReferralsRead].PostAsync(Query);

        Assert.Null(other.Data);
        Assert.StartsWith("Cannot query field 'caseStatistics'", other.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_remembered_document_still_has_its_variables_checked()
    {
        const string Query = "query($by: [CaseDimension!]!) { caseStatistics(groupBy: $by) { total { count } } }";
        var client = clients.ByScope[Scopes.StatisticsRead];
        (await client.PostAsync(Query, new { by = new[] { "SEX" } })).AssertNoErrors();

        var wrong = await client.PostAsync(Query, new { by = new[] { "GALAXY" } });

        Assert.Null(wrong.Data);
        Assert.Equal("INVALID_VALUE", wrong.FirstErrorCode);
    }

    [Theory]
    [MemberData(nameof(AllScopes))]
    public async Task Every_root_field_is_served_exactly_when_its_scope_is_present(string scope)
    {
        var everything = clients.App.Services.GetRequiredService<SchemaCatalogue>().Everything;
        var roots = new (string Keyword, IComplexGraphType? Type)[] { ("query", everything.Query), ("mutation", everything.Mutation), ("subscription", everything.Subscription) };
        var checkedFields = 0;
        foreach (var (keyword, type) in roots)
        {
            foreach (var field in type?.Fields ?? [])
            {
                var expected = field.RequiredScopes().All(s => s == scope);
                var response = await clients.ByScope[scope].PostAsync($"{keyword} {{ {field.Name} }}");
                // Unknown: no such field, or no such root type at all (a caller without any mutation scope has no Mutation type).
                var unknown = response.Errors?.Any(e => e!["message"]!.GetValue<string>().StartsWith($"Cannot query field '{field.Name}'", StringComparison.Ordinal)
                    || e["message"]!.GetValue<string>().StartsWith($"Schema is not configured for {keyword}", StringComparison.Ordinal)) == true;
                Assert.True(expected != unknown, $"{keyword} field {field.Name} (needs {string.Join(",", field.RequiredScopes())}) with scope {scope}: {(unknown ? "unknown" : "served")}");
                checkedFields++;
            }
        }

        Assert.True(checkedFields >= 8, "the schema should have root fields to check");
    }

    [Theory]
    [MemberData(nameof(AllScopes))]
    public async Task Introspection_shows_exactly_the_root_fields_of_the_scope(string scope)
    {
        var response = (await clients.ByScope[scope].PostAsync("{ __schema { queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }")).AssertNoErrors();
        var shown = new[] { "queryType", "mutationType", "subscriptionType" }
            .SelectMany(t => response.Data!["__schema"]![t]?["fields"]?.AsArray() ?? [])
            .Select(f => f!["name"]!.GetValue<string>())
            .Order(StringComparer.Ordinal);

        var everything = clients.App.Services.GetRequiredService<SchemaCatalogue>().Everything;
        var expected = new[] { everything.Query, everything.Mutation, everything.Subscription }
            .SelectMany(t => t?.Fields ?? [])
            .Where(f => f.RequiredScopes().All(s => s == scope))
            .Select(f => f.Name)
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, shown);
    }

    [Theory]
    [MemberData(nameof(AllScopes))]
    public async Task The_standard_introspection_query_of_graphql_js_is_answered_with_the_role_filtered_schema(string scope)
    {
        // graphql-js 16.15's getIntrospectionQuery() with every option on, as tests/audit's graphql package writes it: ofType nested 9 deep.
        var query = await File.ReadAllTextAsync(RepositoryRoot.File("tests", "PartnerGraph.Tests", "Identity", "graphql-js-introspection.graphql"));
        var response = (await clients.ByScope[scope].PostAsync(query, operationName: "IntrospectionQuery")).AssertNoErrors();

        var schema = response.Data!["__schema"]!;
        var shown = new[] { "queryType", "mutationType", "subscriptionType" }
            .Select(t => schema[t]?["name"]?.GetValue<string>())
            .OfType<string>()
            .SelectMany(root => schema["types"]!.AsArray().Single(t => t!["name"]!.GetValue<string>() == root)!["fields"]!.AsArray())
            .Select(f => f!["name"]!.GetValue<string>())
            .Order(StringComparer.Ordinal);
        var everything = clients.App.Services.GetRequiredService<SchemaCatalogue>().Everything;
        var expected = new[] { everything.Query, everything.Mutation, everything.Subscription }
            .SelectMany(t => t?.Fields ?? [])
            .Where(f => f.RequiredScopes().All(s => s == scope))
            .Select(f => f.Name)
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, shown);
    }

    [Fact]
    public async Task Types_reachable_only_through_other_scopes_do_not_exist_for_the_caller()
    {
        const string query = "{ coverage: __type(name: \"CoverageCell\") { name } referral: __type(name: \"Referral\") { name } }";
        var referralsOnly = (await clients.ByScope[Scopes.ReferralsRead].PostAsync(query)).AssertNoErrors();
        Assert.Null(referralsOnly.Data!["coverage"]);
        Assert.Equal("Referral", referralsOnly.Data!["referral"]!["name"]!.GetValue<string>());

        var coverageOnly = (await clients.ByScope[Scopes.CoverageRead].PostAsync(query)).AssertNoErrors();
        Assert.Equal("CoverageCell", coverageOnly.Data!["coverage"]!["name"]!.GetValue<string>());
        Assert.Null(coverageOnly.Data!["referral"]);
    }

    [Fact]
    public async Task A_referral_id_through_node_is_null_for_a_caller_without_referrals_read()
    {
        await using var db = await clients.App.OpenDatabaseAsync();
        var referral = db.Referrals.First(r => r.FromOrganisationId == "atd");
        var response = (await clients.ByScope[Scopes.CoverageRead].PostAsync("query($id: ID!) { node(id: $id) { id } }", new { id = GlobalId.Encode("Referral", referral.Id) })).AssertNoErrors();
        Assert.Null(response.Data!["node"]);
    }
}
