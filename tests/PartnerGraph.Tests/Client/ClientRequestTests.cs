using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using OpenIddict.EntityFrameworkCore.Models;
using PartnerGraph.Client;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Client;

/// <summary>PartnerGraph.Client's tokens and requests against a started server process on a real SQLite file.</summary>
public sealed class ClientRequestTests
{
    private const string Viewer = "{ viewer { clientId organisation { slug } scopes } }";

    private const string CreateReferral = "mutation($input: CreateReferralInput!) { createReferral(input: $input) { referral { id status version } change { sequence } } }";

    [Fact]
    public async Task One_token_serves_many_concurrent_requests_and_is_replaced_before_it_expires()
    {
        await using var server = await ServerProcess.StartAsync();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var counter = new TokenRequestCounter();
        using var http = new HttpClient(counter);
        var options = ClientTestKit.Options(server);
        options.TimeProvider = clock;
        using var client = new PartnerGraphClient(options, http);

        var first = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.SendAsync(GraphQLRequest.FromText(Viewer), ClientTestJson.Default.ViewerData)));
        Assert.Equal(1, counter.Count);
        Assert.All(first, v => Assert.Equal(TestDatabase.AllScopesClient, v.Viewer.ClientId));

        // The server's tokens live 60 minutes; the client replaces one 2 minutes before it expires.
        clock.Advance(TimeSpan.FromMinutes(57));
        await client.SendAsync(GraphQLRequest.FromText(Viewer), ClientTestJson.Default.ViewerData);
        Assert.Equal(1, counter.Count);

        clock.Advance(TimeSpan.FromMinutes(2));
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.SendAsync(GraphQLRequest.FromText(Viewer), ClientTestJson.Default.ViewerData)));
        Assert.Equal(2, counter.Count);
    }

    [Fact]
    public async Task A_token_the_server_rejects_is_replaced_once_for_all_requests_and_each_is_sent_again()
    {
        // Token and client state read on every request, so a revoked token is refused at once.
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string> { ["Identity__ClientStatusCacheSeconds"] = "0" });
        using var counter = new TokenRequestCounter();
        using var http = new HttpClient(counter);
        using var client = new PartnerGraphClient(ClientTestKit.Options(server), http);
        var token = await client.GetAccessTokenAsync();
        await client.SendAsync(GraphQLRequest.FromText(Viewer), ClientTestJson.Default.ViewerData);

        await using (var db = server.OpenDatabase())
        {
            Assert.True(await db.Set<OpenIddictEntityFrameworkCoreToken>().ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, "revoked")) >= 1);
        }

        using (var plain = new HttpClient { BaseAddress = server.Url })
        {
            var refused = await new GraphQLClient(plain, token).PostAsync(Viewer);
            Assert.Equal((HttpStatusCode.Unauthorized, "INVALID_TOKEN"), (refused.Status, refused.FirstErrorCode));
        }

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => client.SendAsync(GraphQLRequest.FromText(Viewer), ClientTestJson.Default.ViewerData)));

        Assert.Equal(10, answers.Length);
        Assert.Equal(2, counter.Count);
        Assert.NotEqual(token, await client.GetAccessTokenAsync());
    }

    [Fact]
    public async Task Wrong_credentials_and_a_scope_not_held_are_token_errors_that_say_so()
    {
        await using var server = await ServerProcess.StartAsync();
        using var wrongSecret = new PartnerGraphClient(ClientTestKit.Options(server, TestDatabase.AllScopesClient, "not-the-secret-of-this-client-at-all"));
        var integratorOptions = ClientTestKit.Options(server, "demo-integrator", "demo-secret-integrator");
        integratorOptions.Scopes.Add("audit.read");
        using var tooMuch = new PartnerGraphClient(integratorOptions);

        var invalidClient = await Assert.ThrowsAsync<TokenRequestException>(() => wrongSecret.SendAsync(GraphQLRequest.FromText(Viewer), ClientTestJson.Default.ViewerData));
        var invalidScope = await Assert.ThrowsAsync<TokenRequestException>(async () => await tooMuch.GetAccessTokenAsync());

        Assert.Equal(("invalid_client", false), (invalidClient.Error, invalidClient.IsTransient));
        Assert.Equal(("invalid_scope", false), (invalidScope.Error, invalidScope.IsTransient));
    }

    [Fact]
    public async Task A_query_and_a_mutation_come_back_typed_through_reflection_or_source_generated_json()
    {
        await using var server = await ServerProcess.StartAsync();
        var options = ClientTestKit.Options(server, TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        options.Scopes.Add("referrals.read");
        using var shelter = new PartnerGraphClient(options);
        using var atd = new PartnerGraphClient(ClientTestKit.Options(server));

        var viewer = await shelter.QueryAsync<ViewerData>(Viewer);
        var created = await atd.SendAsync(
            GraphQLRequest.FromText(CreateReferral, new JsonObject
            {
                ["input"] = new JsonObject
                {
                    ["toOrganisation"] = TestDatabase.ShelterOrganisation,
                    ["kind"] = "DOMESTIC",
                    ["services"] = new JsonArray("SHELTER"),
                    ["consent"] = new JsonObject { ["givenBy"] = "CHILD" },
                },
            }),
            ClientTestJson.Default.CreateReferralData);

        Assert.Equal((TestDatabase.ShelterClient, TestDatabase.ShelterOrganisation), (viewer.Viewer.ClientId, viewer.Viewer.Organisation.Slug));
        Assert.Equal(["referrals.read"], viewer.Viewer.Scopes);
        Assert.Equal(("SUBMITTED", 1), (created.CreateReferral.Referral.Status, created.CreateReferral.Referral.Version));
        Assert.True(created.CreateReferral.Change.Sequence > 0);
    }

    [Fact]
    public async Task GraphQL_errors_throw_with_the_code_and_every_error()
    {
        await using var server = await ServerProcess.StartAsync();
        using var client = new PartnerGraphClient(ClientTestKit.Options(server));
        var created = await client.QueryAsync<CreateReferralData>(CreateReferral, new
        {
            input = new { toOrganisation = TestDatabase.ShelterOrganisation, kind = "DOMESTIC", services = new[] { "SHELTER" }, consent = new { givenBy = "CHILD" } },
        });

        var notAllowed = await Assert.ThrowsAsync<GraphQLException>(() => client.QueryAsync<JsonObject>(
            "mutation($input: ReferralTransitionInput!) { acceptReferral(input: $input) { referral { status } } }",
            new { input = new { referralId = created.CreateReferral.Referral.Id, expectedVersion = 1 } }));
        var tooLarge = await Assert.ThrowsAsync<GraphQLException>(() => client.QueryAsync<JsonObject>("{ referrals(first: 1000) { totalCount } }"));
        var unknownField = await Assert.ThrowsAsync<GraphQLException>(() => client.QueryAsync<JsonObject>("{ viewer { noSuchField } }"));

        Assert.Equal("REFERRAL_TRANSITION_NOT_ALLOWED", notAllowed.Code);
        Assert.Contains("WITHDRAWN", notAllowed.Errors.Single().Message, StringComparison.Ordinal);
        Assert.Equal(["acceptReferral"], notAllowed.Errors.Single().Path);
        Assert.Equal("REFERRAL_TRANSITION_NOT_ALLOWED", notAllowed.Errors.Single().Extensions["code"].GetString());
        Assert.Equal("PAGE_SIZE_TOO_LARGE", tooLarge.Code);
        Assert.Equal((HttpStatusCode.BadRequest, "FIELDS_ON_CORRECT_TYPE"), (unknownField.StatusCode, unknownField.Code));
    }

    [Fact]
    public async Task A_trusted_documents_only_client_runs_a_document_by_id_and_is_refused_free_text()
    {
        var database = await TestDatabase.CopyAsync();
        var (exitCode, output) = await ServerProcess.RunVerbAsync(["clients", "trusted-only", TestDatabase.AllScopesClient, "on"], database: database);
        Assert.True(exitCode == 0, output);
        await using var server = await ServerProcess.StartAsync(database: database);
        using var client = new PartnerGraphClient(ClientTestKit.Options(server));
        var shipped = await File.ReadAllTextAsync(RepositoryRoot.File("schema", "operations", "viewer.graphql"));

        var byId = await client.SendAsync(GraphQLRequest.ById(GraphQLRequest.DocumentIdOf(shipped)), ClientTestJson.Default.ViewerData);
        var freeText = await Assert.ThrowsAsync<GraphQLException>(() => client.SendAsync(GraphQLRequest.FromText(shipped), ClientTestJson.Default.ViewerData));
        var unknownId = await Assert.ThrowsAsync<GraphQLException>(() => client.SendAsync(GraphQLRequest.ById(GraphQLRequest.DocumentIdOf(shipped + " ")), ClientTestJson.Default.ViewerData));

        Assert.Equal(("atd", TestDatabase.AllScopesClient), (byId.Viewer.Organisation.Slug, byId.Viewer.ClientId));
        Assert.Equal((HttpStatusCode.BadRequest, "PERSISTED_DOCUMENT_REQUIRED"), (freeText.StatusCode, freeText.Code));
        Assert.Equal((HttpStatusCode.BadRequest, "PERSISTED_DOCUMENT_NOT_FOUND"), (unknownId.StatusCode, unknownId.Code));
    }
}
