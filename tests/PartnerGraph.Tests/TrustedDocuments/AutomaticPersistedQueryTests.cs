using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.GraphQL.TrustedDocuments;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.TrustedDocuments;

/// <summary>Apollo's automatic persisted queries against a started server, POST and GET, per organisation.</summary>
public sealed class AutomaticPersistedQueryTests
{
    private static string Hash(string query) => TrustedDocument.IdOf(query)["sha256:".Length..];

    private static object Persisted(string query) => new { version = 1, sha256Hash = Hash(query) };

    [Fact]
    public async Task An_unknown_hash_asks_for_the_document_which_is_checked_remembered_for_the_organisation_and_then_runs_by_hash()
    {
        await using var server = await ServerProcess.StartAsync(database: await TestDatabase.CopyAsync());
        using var http = new HttpClient { BaseAddress = server.Url };
        var atd = new GraphQLClient(http, await server.TokenAsync());
        var shelter = new GraphQLClient(http, await server.TokenAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret));
        var query = $"query Apq{UniqueNames.Letters()} {{ viewer {{ clientId }} }}";

        // The hash alone, unknown: the protocol's code and message, so Apollo's clients send the document.
        var unknown = await atd.PostRawAsync(JsonSerializer.Serialize(new { extensions = new { persistedQuery = Persisted(query) } }));
        Assert.Equal(HttpStatusCode.OK, unknown.Status);
        Assert.Equal("PERSISTED_QUERY_NOT_FOUND", unknown.FirstErrorCode);
        Assert.Equal("PersistedQueryNotFound", unknown.Errors![0]!["message"]!.GetValue<string>());
        Assert.Null(unknown.Data);

        // A document that is not the hash's: refused, and nothing remembered.
        var wrong = await atd.PostRawAsync(JsonSerializer.Serialize(new { query = "{ viewer { scopes } }", extensions = new { persistedQuery = Persisted(query) } }));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Equal("PERSISTED_QUERY_HASH_MISMATCH", wrong.FirstErrorCode);
        Assert.Equal("PERSISTED_QUERY_NOT_FOUND", (await atd.PostRawAsync(JsonSerializer.Serialize(new { extensions = new { persistedQuery = Persisted(query) } }))).FirstErrorCode);

        // The document with its hash runs and is remembered.
        var sent = (await atd.PostRawAsync(JsonSerializer.Serialize(new { query, extensions = new { persistedQuery = Persisted(query) } }))).AssertNoErrors();
        Assert.Equal(TestDatabase.AllScopesClient, sent.Data!["viewer"]!["clientId"]!.GetValue<string>());

        // Then the hash alone runs, by POST and by GET.
        var byHash = (await atd.PostRawAsync(JsonSerializer.Serialize(new { extensions = new { persistedQuery = Persisted(query) } }))).AssertNoErrors();
        Assert.Equal(TestDatabase.AllScopesClient, byHash.Data!["viewer"]!["clientId"]!.GetValue<string>());
        var extensions = Uri.EscapeDataString(JsonSerializer.Serialize(new { persistedQuery = Persisted(query) }));
        var byGet = (await atd.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/graphql?extensions=" + extensions))).AssertNoErrors();
        Assert.Equal(TestDatabase.AllScopesClient, byGet.Data!["viewer"]!["clientId"]!.GetValue<string>());

        // Another organisation does not get it by hash: it sends its own document.
        var other = await shelter.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/graphql?extensions=" + extensions));
        Assert.Equal("PERSISTED_QUERY_NOT_FOUND", other.FirstErrorCode);
        var otherQuery = $"query ApqGet{UniqueNames.Letters()} {{ viewer {{ clientId }} }}";
        var otherSent = (await shelter.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/graphql?query=" + Uri.EscapeDataString(otherQuery) + "&extensions=" + Uri.EscapeDataString(JsonSerializer.Serialize(new { persistedQuery = Persisted(otherQuery) }))))).AssertNoErrors();
        Assert.Equal(TestDatabase.ShelterClient, otherSent.Data!["viewer"]!["clientId"]!.GetValue<string>());
        (await shelter.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/graphql?extensions=" + Uri.EscapeDataString(JsonSerializer.Serialize(new { persistedQuery = Persisted(otherQuery) }))))).AssertNoErrors();

        // Another version of the protocol: the code Apollo's clients stop using it on.
        var version2 = await atd.PostRawAsync(JsonSerializer.Serialize(new { query, extensions = new { persistedQuery = new { version = 2, sha256Hash = Hash(query) } } }));
        Assert.Equal("PERSISTED_QUERY_NOT_SUPPORTED", version2.FirstErrorCode);
    }

    [Fact]
    public async Task A_trusted_only_client_runs_registered_documents_by_hash_or_whole_and_no_other_document_it_sends_with_a_hash()
    {
        const string registered = "query MyReferrals { referrals(first: 2) { totalCount nodes { reference } } }\n";
        var database = await TestDatabase.CopyAsync();
        var file = Path.Combine(TestDatabase.Folder, $"{Guid.NewGuid():N}.graphql");
        await File.WriteAllTextAsync(file, registered);
        Assert.Equal(0, (await ServerProcess.RunVerbAsync(["documents", "add", "--client", "demo-integrator", file], database: database)).ExitCode);
        Assert.Equal(0, (await ServerProcess.RunVerbAsync(["clients", "trusted-only", "demo-integrator", "on"], database: database)).ExitCode);

        await using var server = await ServerProcess.StartAsync(database: database);
        using var http = new HttpClient { BaseAddress = server.Url };
        var integrator = new GraphQLClient(http, await server.TokenAsync("demo-integrator", "demo-secret-integrator"));

        const string free = "{ viewer { clientId } }";
        var sent = await integrator.PostRawAsync(JsonSerializer.Serialize(new { query = free, extensions = new { persistedQuery = Persisted(free) } }));
        Assert.Equal("PERSISTED_DOCUMENT_REQUIRED", sent.FirstErrorCode);
        Assert.Null(sent.Data);
        Assert.Equal("PERSISTED_QUERY_NOT_FOUND", (await integrator.PostRawAsync(JsonSerializer.Serialize(new { extensions = new { persistedQuery = Persisted(free) } }))).FirstErrorCode);

        (await integrator.PostRawAsync(JsonSerializer.Serialize(new { query = registered, extensions = new { persistedQuery = Persisted(registered) } }))).AssertNoErrors();
        (await integrator.PostRawAsync(JsonSerializer.Serialize(new { extensions = new { persistedQuery = Persisted(registered) } }))).AssertNoErrors();
    }

    [Fact]
    public void An_organisations_list_is_bounded_and_keeps_the_most_recently_used()
    {
        var store = new AutomaticPersistedQueries(Options.Create(new AutomaticPersistedQueryOptions { MaxDocumentsPerOrganisation = 3, MaxCharactersPerOrganisation = 1000 }));
        foreach (var i in new[] { 1, 2, 3 })
        {
            store.Remember("atd", $"sha256:{i}", $"query Q{i} {{ viewer {{ clientId }} }}");
        }

        Assert.NotNull(store.Find("atd", "sha256:1"));
        store.Remember("atd", "sha256:4", "{ viewer { clientId } }");

        Assert.Equal(3, store.Count("atd"));
        Assert.Null(store.Find("atd", "sha256:2"));
        Assert.NotNull(store.Find("atd", "sha256:1"));
        Assert.Null(store.Find("wvft", "sha256:1"));

        store.Remember("atd", "sha256:big", new string(' ', 999));
        Assert.Equal(1, store.Count("atd"));
    }
}
