using System.Text.Json.Nodes;
using PartnerGraph.Domain.Audit;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Audit;

public sealed class AccessLogQueryTests(AccessLogQueryTests.Server server) : IClassFixture<AccessLogQueryTests.Server>
{
    /// <summary>The app with a few entries of 2001, long before any request the tests themselves make (and the log records).</summary>
    public sealed class Server : IAsyncLifetime
    {
        public PartnerGraphApp App { get; private set; } = null!;

        /// <summary>The ids of the entries, in the order of Entries.</summary>
        public IReadOnlyList<long> Ids { get; private set; } = [];

        public async Task InitializeAsync()
        {
            App = await PartnerGraphApp.StartAsync();
            var entries = Entries();
            await using var db = await App.OpenDatabaseAsync();
            db.AccessLog.AddRange(entries);
            await db.SaveChangesAsync();
            Ids = entries.Select(e => e.Id).ToList();
        }

        public async Task DisposeAsync() => await App.DisposeAsync();

        /// <summary>Every scope, ATD (TestDatabase.AllScopesClient); or a client of the demo.</summary>
        public Task<GraphQLClient> ClientAsync(string? clientId = null, string? secret = null) =>
            clientId is null ? App.GraphQLAsync() : App.GraphQLAsync(clientId, secret!);
    }

    private const string Analyst = "demo-government-analyst";
    private const string NgoPartner = "demo-ngo-partner";
    private const string NgoPartnerSecret = "demo-secret-ngo-partner";

    private static readonly object Year2001 = new { from = "2001-01-01T00:00:00Z", to = "2002-01-01T00:00:00Z" };

    private const string AccessLog = """
        query Log($filter: AccessLogFilter, $first: Int, $after: String, $last: Int) {
          accessLog(filter: $filter, first: $first, after: $after, last: $last) {
            totalCount
            pageInfo { hasNextPage hasPreviousPage endCursor }
            nodes {
              id at clientId organisation { slug } personId operationName operationType documentHash
              datasets dimensions rowsReturned cellsSuppressed durationMs outcome errorCodes
            }
          }
        }
        """;

    private static List<AccessLogEntry> Entries() =>
    [
        Entry(new DateTime(2001, 1, 1, 10, 0, 0, DateTimeKind.Utc), "wvft", NgoPartner, AccessOutcome.Allowed, datasets: "referrals", rows: 20),
        Entry(new DateTime(2001, 1, 1, 11, 0, 0, DateTimeKind.Utc), "atd", Analyst, AccessOutcome.Allowed, datasets: "statistics", dimensions: "PROVINCE SEX", rows: 154, suppressed: 3, person: "analyst-7"),
        Entry(new DateTime(2001, 1, 2, 9, 0, 0, DateTimeKind.Utc), "wvft", NgoPartner, AccessOutcome.Failed, datasets: "referrals", codes: "PAGE_SIZE_TOO_LARGE"),
        Entry(new DateTime(2001, 1, 3, 9, 0, 0, DateTimeKind.Utc), null, null, AccessOutcome.Refused, codes: "UNAUTHENTICATED"),
        Entry(new DateTime(2001, 1, 4, 9, 0, 0, DateTimeKind.Utc), "mekong-child-rights", "mekong-system", AccessOutcome.Allowed, datasets: "coverage", rows: 5),
        Entry(new DateTime(2001, 2, 1, 9, 0, 0, DateTimeKind.Utc), "wvft", NgoPartner, AccessOutcome.Refused, codes: "METHOD_NOT_ALLOWED INVALID_VALUE"),
    ];

    private static AccessLogEntry Entry(DateTime at, string? organisation, string? client, AccessOutcome outcome, string? datasets = null, string? dimensions = null, int rows = 0, int suppressed = 0, string? codes = null, string? person = null) => new()
    {
        At = at,
        OrganisationId = organisation,
        ClientId = client,
        PersonId = person,
        OperationName = "Op" + at.Day,
        OperationType = "query",
        DocumentHash = new string('a', 64),
        Datasets = datasets,
        Dimensions = dimensions,
        RowsReturned = rows,
        CellsSuppressed = suppressed,
        DurationMs = 40 + at.Hour,
        Outcome = outcome,
        ErrorCodes = codes,
    };

    private static JsonArray Nodes(GraphQLResponse response) => response.AssertNoErrors().Data!["accessLog"]!["nodes"]!.AsArray();

    private static List<long> IdsOf(JsonArray nodes) => nodes.Select(n => n!["id"]!.GetValue<long>()).ToList();

    [Fact]
    public async Task An_entry_shows_every_column()
    {
        var client = await server.ClientAsync();

        var response = await client.PostAsync(AccessLog, new { filter = new { from = "2001-01-01T00:00:00Z", to = "2001-01-02T00:00:00Z", clientId = Analyst } });

        var entry = Assert.Single(Nodes(response))!;
        Assert.Equal(server.Ids[1], entry["id"]!.GetValue<long>());
        Assert.Equal(new DateTime(2001, 1, 1, 11, 0, 0, DateTimeKind.Utc), entry["at"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal(Analyst, entry["clientId"]!.GetValue<string>());
        Assert.Equal("atd", entry["organisation"]!["slug"]!.GetValue<string>());
        Assert.Equal("analyst-7", entry["personId"]!.GetValue<string>());
        Assert.Equal("Op1", entry["operationName"]!.GetValue<string>());
        Assert.Equal("query", entry["operationType"]!.GetValue<string>());
        Assert.Equal(new string('a', 64), entry["documentHash"]!.GetValue<string>());
        Assert.Equal(["statistics"], entry["datasets"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Equal(["PROVINCE", "SEX"], entry["dimensions"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Equal(154, entry["rowsReturned"]!.GetValue<int>());
        Assert.Equal(3, entry["cellsSuppressed"]!.GetValue<int>());
        Assert.Equal(51, entry["durationMs"]!.GetValue<int>());
        Assert.Equal("ALLOWED", entry["outcome"]!.GetValue<string>());
        Assert.Empty(entry["errorCodes"]!.AsArray());
    }

    [Fact]
    public async Task A_refused_request_without_a_caller_has_no_organisation_and_lists_its_codes()
    {
        var client = await server.ClientAsync();

        var response = await client.PostAsync(AccessLog, new { filter = new { from = "2001-01-01T00:00:00Z", to = "2002-01-01T00:00:00Z", outcome = "REFUSED" } });

        var nodes = Nodes(response);
        Assert.Equal([server.Ids[3], server.Ids[5]], IdsOf(nodes));
        Assert.Null(nodes[0]!["organisation"]);
        Assert.Null(nodes[0]!["clientId"]);
        Assert.Equal(["METHOD_NOT_ALLOWED", "INVALID_VALUE"], nodes[1]!["errorCodes"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Empty(nodes[1]!["datasets"]!.AsArray());
    }

    [Fact]
    public async Task The_period_includes_from_and_excludes_to()
    {
        var client = await server.ClientAsync();

        var response = await client.PostAsync(AccessLog, new { filter = new { from = "2001-01-01T11:00:00Z", to = "2001-01-03T09:00:00Z" } });

        Assert.Equal([server.Ids[1], server.Ids[2]], IdsOf(Nodes(response)));
    }

    [Fact]
    public async Task Organisation_and_client_filters_narrow_the_log()
    {
        var client = await server.ClientAsync();

        var byOrganisation = await client.PostAsync(AccessLog, new { filter = new { from = "2001-01-01T00:00:00Z", to = "2002-01-01T00:00:00Z", organisation = "wvft" } });
        var byClient = await client.PostAsync(AccessLog, new { filter = new { from = "2001-01-01T00:00:00Z", to = "2002-01-01T00:00:00Z", clientId = "mekong-system" } });

        Assert.Equal([server.Ids[0], server.Ids[2], server.Ids[5]], IdsOf(Nodes(byOrganisation)));
        Assert.Equal([server.Ids[4]], IdsOf(Nodes(byClient)));
    }

    [Fact]
    public async Task Paging_forwards_visits_every_entry_once_oldest_first()
    {
        var client = await server.ClientAsync();
        var seen = new List<long>();
        string? after = null;
        do
        {
            var response = await client.PostAsync(AccessLog, new { filter = Year2001, first = 2, after });
            var connection = response.AssertNoErrors().Data!["accessLog"]!;
            Assert.Equal(server.Ids.Count, connection["totalCount"]!.GetValue<int>());
            seen.AddRange(IdsOf(connection["nodes"]!.AsArray()));
            after = connection["pageInfo"]!["hasNextPage"]!.GetValue<bool>() ? connection["pageInfo"]!["endCursor"]!.GetValue<string>() : null;
        }
        while (after is not null);

        Assert.Equal(server.Ids, seen);
    }

    [Fact]
    public async Task Last_gives_the_newest_entries()
    {
        var client = await server.ClientAsync();

        var response = await client.PostAsync(AccessLog, new { filter = Year2001, last = 2 });

        Assert.Equal(server.Ids.TakeLast(2), IdsOf(Nodes(response)));
        Assert.True(response.Data!["accessLog"]!["pageInfo"]!["hasPreviousPage"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Without_audit_read_a_partner_sees_only_its_own_organisations_entries()
    {
        var partner = await server.ClientAsync(NgoPartner, NgoPartnerSecret);

        var own = await partner.PostAsync(AccessLog, new { filter = Year2001 });
        var others = await partner.PostAsync(AccessLog, new { filter = new { from = "2001-01-01T00:00:00Z", to = "2002-01-01T00:00:00Z", organisation = "atd" } });

        Assert.Equal([server.Ids[0], server.Ids[2], server.Ids[5]], IdsOf(Nodes(own)));
        Assert.All(Nodes(own), n => Assert.Equal("wvft", n!["organisation"]!["slug"]!.GetValue<string>()));
        Assert.Empty(Nodes(others));
    }

    [Theory]
    [InlineData("2001-02-01T00:00:00Z", "2001-01-01T00:00:00Z", null, "INVALID_PERIOD")]
    [InlineData(null, null, "no-such-organisation", "UNKNOWN_ORGANISATION")]
    public async Task A_filter_that_cannot_hold_is_an_error_with_its_code(string? from, string? to, string? organisation, string code)
    {
        var client = await server.ClientAsync();

        var response = await client.PostAsync(AccessLog, new { filter = new { from, to, organisation } });

        Assert.Equal(code, response.FirstErrorCode);
    }
}
