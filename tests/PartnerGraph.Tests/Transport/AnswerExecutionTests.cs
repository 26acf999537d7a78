using System.Text.Json.Nodes;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Transport;

/// <summary>
/// How a started server runs and writes an answer: the fields of a selection are collected once per selection and
/// type and reused by later objects and later requests (QueryExecutionStrategy), and an answer arrives whole, Thai
/// as text. Each is held to what a client reads over TCP.
/// </summary>
public sealed class AnswerExecutionTests(StartedServerFixture fixture) : IClassFixture<StartedServerFixture>
{
    private const string Plain = """
        { referrals(first: 20) { nodes { reference status fromOrganisation { slug kind } history { sequence status changedBy { slug } } } } }
        """;

    // The same fields through a named fragment, an inline fragment, a fragment on the interface and a field asked twice.
    private const string ThroughFragments = """
        query Fragments { referrals(first: 20) { nodes { ...Referral ... on Referral { status fromOrganisation { kind } } } } }
        fragment Referral on Referral { reference fromOrganisation { slug } history { ...Change } ... on Node { id } }
        fragment Change on ReferralStatusChange { sequence status changedBy { slug } status }
        """;

    private readonly GraphQLClient client = new(new HttpClient { BaseAddress = fixture.Server.Url }, fixture.Token);

    private GraphQLClient Client => client;

    [Fact]
    public async Task A_selection_collected_once_answers_every_object_and_every_later_request_alike()
    {
        var plain = (await Client.PostAsync(Plain)).AssertNoErrors().Data!;
        var nodes = plain["referrals"]!["nodes"]!.AsArray();
        Assert.Equal(20, nodes.Count);
        Assert.True(nodes.Sum(n => n!["history"]!.AsArray().Count) > nodes.Count, "the page has history entries to collect fields for");

        for (var run = 0; run < 3; run++)
        {
            var fragments = (await Client.PostAsync(ThroughFragments)).AssertNoErrors().Data!["referrals"]!["nodes"]!.AsArray();
            Assert.Equal(nodes.Count, fragments.Count);
            for (var i = 0; i < nodes.Count; i++)
            {
                var expected = nodes[i]!.AsObject();
                var actual = fragments[i]!.AsObject();
                Assert.Equal(["reference", "fromOrganisation", "history", "id", "status"], actual.Select(p => p.Key));
                Assert.True(JsonNode.DeepEquals(expected["history"], actual["history"]), $"history of {expected["reference"]} differs");
                Assert.Equal(expected["reference"]!.GetValue<string>(), actual["reference"]!.GetValue<string>());
                Assert.Equal(expected["status"]!.GetValue<string>(), actual["status"]!.GetValue<string>());
                Assert.True(JsonNode.DeepEquals(expected["fromOrganisation"], actual["fromOrganisation"]));
            }
        }

        Assert.True(JsonNode.DeepEquals(plain, (await Client.PostAsync(Plain)).AssertNoErrors().Data), "the plain document again");
    }

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task Skip_and_include_follow_each_requests_variables_when_the_same_document_runs_again(string transport)
    {
        const string document = """
            query Toggle($hide: Boolean!) { referrals(first: 3) { nodes { reference status @skip(if: $hide) history @include(if: $hide) { sequence } } } }
            """;
        foreach (var hide in new[] { true, false, true, false })
        {
            var answer = await Transports.RunAsync(transport, fixture.Server.Url, fixture.Token, document, new { hide });
            Assert.Null(answer["errors"]);
            var nodes = answer["data"]!["referrals"]!["nodes"]!.AsArray();
            Assert.Equal(3, nodes.Count);
            Assert.All(nodes, n =>
            {
                var keys = n!.AsObject().Select(p => p.Key).ToArray();
                Assert.Equal(hide ? ["reference", "history"] : ["reference", "status"], keys);
            });
        }
    }

    public static TheoryData<string> EveryTransport => new(Transports.All);

    [Theory]
    [MemberData(nameof(EveryTransport))]
    public async Task A_field_asked_twice_under_one_name_keeps_its_arguments_in_every_later_request(string transport)
    {
        // GraphQL.NET merges the two into a new field node; a kept collection once lost its arguments after the first request.
        var document = $$"""
            query Twice_{{transport}} { page: referrals(first: 2) { nodes { reference } } page: referrals(first: 2) { pageInfo { hasNextPage } } }
            """;
        for (var run = 0; run < 3; run++)
        {
            var answer = await Transports.RunAsync(transport, fixture.Server.Url, fixture.Token, document);
            Assert.Null(answer["errors"]);
            Assert.Equal(2, answer["data"]!["page"]!["nodes"]!.AsArray().Count);
            Assert.True(answer["data"]!["page"]!["pageInfo"]!["hasNextPage"]!.GetValue<bool>());
        }
    }

    [Fact]
    public async Task Many_first_requests_of_a_new_document_at_once_are_answered_alike()
    {
        // A document no request has run: its collections, validation record and encoded names are made by requests racing.
        var document = $"query Race_{Guid.NewGuid():N} {{ referrals(first: 10) {{ nodes {{ id reference status fromOrganisation {{ slug }} history {{ sequence status changedBy {{ slug }} }} }} }} }}";
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            var client = new GraphQLClient(new HttpClient { BaseAddress = fixture.Server.Url }, fixture.Token);
            return (await client.PostAsync(document)).AssertNoErrors().Data!;
        }));

        var again = (await Client.PostAsync(document)).AssertNoErrors().Data!;
        Assert.Equal(10, again["referrals"]!["nodes"]!.AsArray().Count);
        Assert.All(answers, answer => Assert.True(JsonNode.DeepEquals(again, answer), "an answer of the racing requests differs"));
    }

    [Fact]
    public async Task One_selection_that_meets_another_type_in_the_next_request_collects_that_types_fields()
    {
        // node(id:) is one selection of one cached document, met by a Referral in one request and an Organisation in the next.
        const string document = """
            query Node($id: ID!) { node(id: $id) { __typename id ... on Referral { reference } ... on Organisation { slug } } }
            """;
        var referral = (await Client.PostAsync("{ referrals(first: 1) { nodes { id reference } } }")).AssertNoErrors().Data!["referrals"]!["nodes"]![0]!;
        var organisation = (await Client.PostAsync("{ viewer { organisation { id slug } } }")).AssertNoErrors().Data!["viewer"]!["organisation"]!;
        for (var run = 0; run < 2; run++)
        {
            var asReferral = (await Client.PostAsync(document, new { id = referral["id"]!.GetValue<string>() })).AssertNoErrors().Data!["node"]!.AsObject();
            Assert.Equal(["__typename", "id", "reference"], asReferral.Select(p => p.Key));
            Assert.Equal(referral["reference"]!.GetValue<string>(), asReferral["reference"]!.GetValue<string>());

            var asOrganisation = (await Client.PostAsync(document, new { id = organisation["id"]!.GetValue<string>() })).AssertNoErrors().Data!["node"]!.AsObject();
            Assert.Equal(["__typename", "id", "slug"], asOrganisation.Select(p => p.Key));
            Assert.Equal(organisation["slug"]!.GetValue<string>(), asOrganisation["slug"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_client_without_the_scope_is_refused_a_document_another_role_has_just_run()
    {
        // The collections are kept with the parsed document, which every role shares; each role's own schema still decides.
        const string document = "{ referrals(first: 5) { nodes { reference history { status } } } }";
        (await Client.PostAsync(document)).AssertNoErrors();

        var clientId = UniqueNames.Of("stats-only-");
        var (exitCode, output) = await ServerProcess.RunVerbAsync(["clients", "add", "--org", "atd", "--client-id", clientId, "--scopes", "statistics.read", "--secret", "test-secret-stats-only-at-least-32-chars"], database: fixture.Server.Database);
        Assert.True(exitCode == 0, output);
        var statisticsOnly = new GraphQLClient(new HttpClient { BaseAddress = fixture.Server.Url }, await fixture.Server.TokenAsync(clientId, "test-secret-stats-only-at-least-32-chars"));

        var refused = await statisticsOnly.PostAsync(document);
        Assert.Null(refused.Data);
        Assert.NotNull(refused.FirstErrorCode);
        Assert.DoesNotContain("REF-", refused.Body.ToJsonString(), StringComparison.Ordinal);
        (await Client.PostAsync(document)).AssertNoErrors();
    }

    [Fact]
    public async Task Thai_text_is_written_as_text_and_a_large_answer_arrives_whole()
    {
        var response = (await Client.PostAsync("{ province(code: \"TH-38\") { nameTh districts { nameTh } } }")).AssertNoErrors();
        var text = await response.Message.Content.ReadAsStringAsync();
        Assert.Contains("บึงกาฬ", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0E", text, StringComparison.OrdinalIgnoreCase);

        // The whole schema (hundreds of KB), parsed whole.
        var schema = (await Client.PostAsync("{ __schema { types { name description fields { name description args { name description } } enumValues { name description } } } }")).AssertNoErrors();
        Assert.True((await schema.Message.Content.ReadAsStringAsync()).Length > 50_000);
        Assert.Contains(schema.Data!["__schema"]!["types"]!.AsArray(), t => t!["name"]!.GetValue<string>() == "Referral");
    }
}
