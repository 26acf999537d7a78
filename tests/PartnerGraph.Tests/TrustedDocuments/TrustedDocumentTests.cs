using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.TrustedDocuments;

/// <summary>Trusted documents through the command line and a started server: shipped ones, a partner's registered set, and a trusted-only client.</summary>
public sealed class TrustedDocumentTests
{
    private const string IntegratorDocument = "query MyReferrals { referrals(first: 2) { totalCount nodes { reference } } }\n";

    private static string ShippedId(string file) => TrustedDocument.IdOf(File.ReadAllText(RepositoryRoot.File("schema", "operations", file)));

    [Fact]
    public async Task A_trusted_only_client_runs_its_registered_and_the_shipped_documents_and_nothing_else()
    {
        var database = await TestDatabase.CopyAsync();
        var file = Path.Combine(TestDatabase.Folder, $"{Guid.NewGuid():N}.graphql");
        await File.WriteAllTextAsync(file, IntegratorDocument);
        var added = await Run(database, "documents", "add", "--client", "demo-integrator", file);
        var registeredId = TrustedDocument.IdOf(IntegratorDocument);
        Assert.Contains(registeredId, added, StringComparison.Ordinal);
        await Run(database, "clients", "trusted-only", "demo-integrator", "on");
        Assert.Contains("(trusted documents only)", await Run(database, "clients", "list"), StringComparison.Ordinal);

        await using var server = await ServerProcess.StartAsync(database: database);
        using var http = new HttpClient { BaseAddress = server.Url };
        var integrator = new GraphQLClient(http, await server.TokenAsync("demo-integrator", "demo-secret-integrator"));

        var freeText = await integrator.PostAsync("{ viewer { clientId } }");
        Assert.Equal(HttpStatusCode.BadRequest, freeText.Status);
        Assert.Equal("PERSISTED_DOCUMENT_REQUIRED", freeText.FirstErrorCode);
        Assert.Null(freeText.Body["data"]);

        var own = (await ByIdAsync(integrator, registeredId)).AssertNoErrors();
        Assert.True(own.Data!["referrals"]!["totalCount"]!.GetValue<int>() > 0);

        var shipped = (await ByIdAsync(integrator, ShippedId("viewer.graphql"))).AssertNoErrors();
        Assert.Equal("demo-integrator", shipped.Data!["viewer"]!["clientId"]!.GetValue<string>());

        var page = (await ByIdAsync(integrator, ShippedId("referrals-page.graphql"), new { first = 3 })).AssertNoErrors();
        var total = page.Data!["referrals"]!["totalCount"]!.GetValue<int>();
        Assert.True(total > 0, "the integrator's organisation has open referrals in the demo data");
        Assert.Equal(Math.Min(3, total), page.Data!["referrals"]!["nodes"]!.AsArray().Count);

        var byGet = (await integrator.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/graphql?documentId=" + Uri.EscapeDataString(ShippedId("viewer.graphql"))))).AssertNoErrors();
        Assert.Equal("demo-integrator", byGet.Data!["viewer"]!["clientId"]!.GetValue<string>());

        var apolloStyle = (await integrator.PostRawAsync(JsonSerializer.Serialize(new { extensions = new { persistedQuery = new { version = 1, sha256Hash = registeredId["sha256:".Length..] } } }))).AssertNoErrors();
        Assert.NotNull(apolloStyle.Data!["referrals"]);

        var unknown = await ByIdAsync(integrator, TrustedDocument.IdOf("{ viewer { scopes } }"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal("PERSISTED_DOCUMENT_NOT_FOUND", unknown.FirstErrorCode);

        var malformed = await ByIdAsync(integrator, "md5:abc");
        Assert.Equal("BAD_REQUEST", malformed.FirstErrorCode);

        var mismatched = await integrator.PostRawAsync(JsonSerializer.Serialize(new { documentId = registeredId, query = "{ viewer { clientId } }" }));
        Assert.Equal("BAD_REQUEST", mismatched.FirstErrorCode);
    }

    [Fact]
    public async Task A_registered_set_is_visible_only_to_its_organisation_and_other_clients_keep_free_text()
    {
        var database = await TestDatabase.CopyAsync();
        var file = Path.Combine(TestDatabase.Folder, $"{Guid.NewGuid():N}.graphql");
        await File.WriteAllTextAsync(file, IntegratorDocument);
        await Run(database, "documents", "add", "--client", "demo-integrator", file);

        await using var server = await ServerProcess.StartAsync(database: database);
        using var http = new HttpClient { BaseAddress = server.Url };
        var atd = new GraphQLClient(http, await server.TokenAsync());

        var otherOrganisation = await ByIdAsync(atd, TrustedDocument.IdOf(IntegratorDocument));
        Assert.Equal("PERSISTED_DOCUMENT_NOT_FOUND", otherOrganisation.FirstErrorCode);

        (await atd.PostAsync(IntegratorDocument)).AssertNoErrors();
        var statistics = (await ByIdAsync(atd, ShippedId("case-statistics-by-province-and-quarter.graphql"), new { period = new { from = "2024-01-01", to = "2024-12-31" }, provinces = new[] { "TH-63" } })).AssertNoErrors();
        Assert.NotNull(statistics.Data!["caseStatistics"]!["total"]);
        (await ByIdAsync(atd, ShippedId("programme-coverage.graphql"), new { programmeCode = "PREVENTION-SCHOOL" })).AssertNoErrors();
    }

    [Fact]
    public async Task A_set_with_a_file_that_is_not_GraphQL_registers_nothing()
    {
        var database = await TestDatabase.CopyAsync();
        var good = Path.Combine(TestDatabase.Folder, $"{Guid.NewGuid():N}.graphql");
        var bad = Path.Combine(TestDatabase.Folder, $"{Guid.NewGuid():N}.graphql");
        await File.WriteAllTextAsync(good, IntegratorDocument);
        await File.WriteAllTextAsync(bad, "query { referrals(first: 2) { ");

        var (exitCode, output) = await ServerProcess.RunVerbAsync(["documents", "add", "--client", "demo-integrator", good, bad], database: database);
        Assert.Equal(2, exitCode);
        Assert.Contains("not a GraphQL document", output, StringComparison.Ordinal);
        Assert.DoesNotContain("sha256:", await Run(database, "documents", "list"), StringComparison.Ordinal);

        var (unknownClient, _) = await ServerProcess.RunVerbAsync(["documents", "add", "--client", "nobody", good], database: database);
        Assert.Equal(1, unknownClient);
    }

    private static Task<GraphQLResponse> ByIdAsync(GraphQLClient client, string documentId, object? variables = null) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { documentId, variables }), Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            Headers = { { "Accept", "application/graphql-response+json" } },
        });

    private static async Task<string> Run(string database, params string[] args)
    {
        var (exitCode, output) = await ServerProcess.RunVerbAsync(args, database: database);
        Assert.True(exitCode == 0, $"{string.Join(' ', args)} exited with {exitCode}:\n{output}");
        return output;
    }
}
