using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Domain.Referrals;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Referrals;

public sealed class ReferralQueryTests(AppFixture server) : IClassFixture<AppFixture>
{
    private const string PageOfReferrals = """
        query Page($first: Int, $after: String, $filter: ReferralFilter) {
          referrals(first: $first, after: $after, filter: $filter) {
            totalCount
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
            edges {
              cursor
              node {
                id reference kind destinationCountry status urgency version services createdAt updatedAt
                consent { givenBy recordedAt }
                fromOrganisation { id slug nameEn kind country }
                toOrganisation { id slug nameEn kind country }
                history { sequence previousStatus status changedAt reason changedBy { slug } }
              }
            }
          }
        }
        """;

    private GraphQLClient Client => server.Client;

    [Fact]
    public async Task First_page_of_referrals_matches_its_snapshot()
    {
        var response = await Client.PostAsync(PageOfReferrals, new { first = 3 });
        response.AssertNoErrors().Data.MatchSnapshot();
    }

    [Fact]
    public async Task A_page_of_50_referrals_with_organisations_and_history_costs_at_most_4_sql_commands()
    {
        await Client.PostAsync("{ __typename }");
        server.App.Commands.Reset();
        var response = await Client.PostAsync(
            "{ referrals(first: 50) { nodes { reference fromOrganisation { slug provinces { code } } toOrganisation { slug } history { status changedBy { slug nameEn } } } } }");
        var data = server.App.Commands.DataCount;
        var all = server.App.Commands.Count;

        response.AssertNoErrors();
        var nodes = response.Data!["referrals"]!["nodes"]!.AsArray();
        Assert.Equal(50, nodes.Count);
        Assert.All(nodes, n => Assert.NotEmpty(n!["history"]!.AsArray()));
        Assert.InRange(data, 1, 4);

        // Besides the page: the caller's agreements and the access log entry (the client's status is cached).
        Assert.InRange(all, data, data + 2);
    }

    [Fact]
    public async Task Paging_forwards_visits_every_referral_once_in_order()
    {
        var seen = new List<string>();
        string? after = null;
        int total;
        do
        {
            var response = (await Client.PostAsync("query($after: String) { referrals(first: 100, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { reference } } }", new { after })).AssertNoErrors();
            var connection = response.Data!["referrals"]!;
            total = connection["totalCount"]!.GetValue<int>();
            seen.AddRange(connection["nodes"]!.AsArray().Select(n => n!["reference"]!.GetValue<string>()));
            after = connection["pageInfo"]!["hasNextPage"]!.GetValue<bool>() ? connection["pageInfo"]!["endCursor"]!.GetValue<string>() : null;
        }
        while (after is not null);

        await using var db = await server.App.OpenDatabaseAsync();
        Assert.Equal(await db.Referrals.CountAsync(r => r.FromOrganisationId == "atd" || r.ToOrganisationId == "atd"), total);
        Assert.Equal(total, seen.Count);
        Assert.Equal(total, seen.Distinct().Count());
    }

    [Fact]
    public async Task Paging_backwards_returns_the_items_before_the_cursor_in_the_same_order()
    {
        var forward = (await Client.PostAsync("{ referrals(first: 10) { edges { cursor node { reference } } } }")).AssertNoErrors();
        var edges = forward.Data!["referrals"]!["edges"]!.AsArray();
        var before = edges[9]!["cursor"]!.GetValue<string>();

        var backward = (await Client.PostAsync("query($before: String) { referrals(last: 3, before: $before) { pageInfo { hasPreviousPage hasNextPage } nodes { reference } } }", new { before })).AssertNoErrors();
        var references = backward.Data!["referrals"]!["nodes"]!.AsArray().Select(n => n!["reference"]!.GetValue<string>());
        Assert.Equal(edges.Skip(6).Take(3).Select(e => e!["node"]!["reference"]!.GetValue<string>()), references);
        Assert.True(backward.Data!["referrals"]!["pageInfo"]!["hasPreviousPage"]!.GetValue<bool>());
        Assert.True(backward.Data!["referrals"]!["pageInfo"]!["hasNextPage"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Filters_narrow_the_list_to_what_they_say()
    {
        var since = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        var response = (await Client.PostAsync(
            "query($since: DateTime) { referrals(first: 100, filter: { status: [ACCEPTED, IN_SERVICE], kind: TRANSNATIONAL, updatedSince: $since }) { totalCount nodes { status kind destinationCountry updatedAt } } }",
            new { since })).AssertNoErrors();

        await using var db = await server.App.OpenDatabaseAsync();
        var expected = await db.Referrals.CountAsync(r => (r.FromOrganisationId == "atd" || r.ToOrganisationId == "atd")
            && (r.Status == ReferralStatus.Accepted || r.Status == ReferralStatus.InService) && r.Kind == ReferralKind.Transnational && r.UpdatedAt >= since);
        var connection = response.Data!["referrals"]!;
        Assert.Equal(expected, connection["totalCount"]!.GetValue<int>());
        Assert.All(connection["nodes"]!.AsArray(), n =>
        {
            Assert.Contains(n!["status"]!.GetValue<string>(), new[] { "ACCEPTED", "IN_SERVICE" });
            Assert.Equal("TRANSNATIONAL", n["kind"]!.GetValue<string>());
            Assert.NotNull(n["destinationCountry"]);
            Assert.True(n["updatedAt"]!.GetValue<DateTime>().ToUniversalTime() >= since);
        });
    }

    [Fact]
    public async Task Organisation_filter_returns_the_referrals_exchanged_with_it()
    {
        var response = (await Client.PostAsync("{ referrals(first: 100, filter: { organisation: \"wvft\" }) { totalCount nodes { fromOrganisation { slug } toOrganisation { slug } } } }")).AssertNoErrors();
        await using var db = await server.App.OpenDatabaseAsync();
        var expected = await db.Referrals.CountAsync(r => (r.FromOrganisationId == "atd" && r.ToOrganisationId == "wvft") || (r.FromOrganisationId == "wvft" && r.ToOrganisationId == "atd"));
        Assert.True(expected > 0);
        Assert.Equal(expected, response.Data!["referrals"]!["totalCount"]!.GetValue<int>());
        Assert.All(response.Data!["referrals"]!["nodes"]!.AsArray(), n =>
            Assert.Equal(["atd", "wvft"], new[] { n!["fromOrganisation"]!["slug"]!.GetValue<string>(), n["toOrganisation"]!["slug"]!.GetValue<string>() }.Order(StringComparer.Ordinal)));
    }

    [Theory]
    [InlineData("SENT")]
    [InlineData("RECEIVED")]
    public async Task Direction_filter_is_relative_to_the_callers_organisation(string direction)
    {
        var response = (await Client.PostAsync($"{{ referrals(first: 100, filter: {{ direction: {direction} }}) {{ totalCount nodes {{ fromOrganisation {{ slug }} toOrganisation {{ slug }} }} }} }}")).AssertNoErrors();
        await using var db = await server.App.OpenDatabaseAsync();
        var expected = direction == "SENT" ? await db.Referrals.CountAsync(r => r.FromOrganisationId == "atd") : await db.Referrals.CountAsync(r => r.ToOrganisationId == "atd");
        Assert.True(expected > 0);
        Assert.Equal(expected, response.Data!["referrals"]!["totalCount"]!.GetValue<int>());
        var side = direction == "SENT" ? "fromOrganisation" : "toOrganisation";
        Assert.All(response.Data!["referrals"]!["nodes"]!.AsArray(), n => Assert.Equal("atd", n![side]!["slug"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Referral_by_id_and_node_by_id_agree()
    {
        var page = (await Client.PostAsync("{ referrals(first: 1, after: \"Y3Vyc29yOjQx\") { nodes { id reference } } }")).AssertNoErrors();
        var first = page.Data!["referrals"]!["nodes"]![0]!;
        var id = first["id"]!.GetValue<string>();

        var byId = (await Client.PostAsync("query($id: ID!) { referral(id: $id) { reference } node(id: $id) { id ... on Referral { reference } } }", new { id })).AssertNoErrors();
        Assert.Equal(first["reference"]!.GetValue<string>(), byId.Data!["referral"]!["reference"]!.GetValue<string>());
        Assert.Equal(first["reference"]!.GetValue<string>(), byId.Data!["node"]!["reference"]!.GetValue<string>());
        Assert.Equal(id, byId.Data!["node"]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_referral_id_that_does_not_exist_is_null()
    {
        var response = (await Client.PostAsync("query($id: ID!) { referral(id: $id) { reference } }", new { id = "UmVmZXJyYWw6OTk5OTk5" })).AssertNoErrors();
        Assert.Null(response.Data!["referral"]);
    }

    [Theory]
    [InlineData("{ referral(id: \"not-an-id\") { reference } }", "INVALID_ID")]
    [InlineData("{ node(id: \"not-an-id\") { id } }", "INVALID_ID")]
    [InlineData("{ referrals(after: \"bm9wZQ\") { nodes { id } } }", "INVALID_CURSOR")]
    [InlineData("{ referrals(first: 5, last: 5) { nodes { id } } }", "INVALID_PAGINATION")]
    [InlineData("{ referrals(first: -1) { nodes { id } } }", "INVALID_PAGINATION")]
    [InlineData("{ referrals(filter: { organisation: \"no-such-org\" }) { nodes { id } } }", "UNKNOWN_ORGANISATION")]
    public async Task Bad_arguments_get_a_clear_error(string query, string code)
    {
        var response = await Client.PostAsync(query);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(code, response.FirstErrorCode);
        Assert.False(string.IsNullOrWhiteSpace(response.Errors![0]!["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Organisations_are_listed_with_their_provinces()
    {
        var response = (await Client.PostAsync("{ organisations(first: 100) { totalCount nodes { slug kind country provinces { isoCode } } } }")).AssertNoErrors();
        var nodes = response.Data!["organisations"]!["nodes"]!.AsArray();
        Assert.Equal(nodes.Count, response.Data!["organisations"]!["totalCount"]!.GetValue<int>());
        Assert.Contains(nodes, n => n!["slug"]!.GetValue<string>() == "atd" && n["kind"]!.GetValue<string>() == "GOVERNMENT" && n["provinces"]!.AsArray().Count > 0);
        Assert.Contains(nodes, n => n!["kind"]!.GetValue<string>() == "FOREIGN_GOVERNMENT");
        Assert.Equal(nodes.Select(n => n!["slug"]!.GetValue<string>()).Order(StringComparer.Ordinal), nodes.Select(n => n!["slug"]!.GetValue<string>()));
    }
}
