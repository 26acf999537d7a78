using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Domain.Statistics;
using PartnerGraph.Identity;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Statistics;

/// <summary>
/// Budgets of privacy loss, met from outside: new tables are charged before anything is counted, repeats and published
/// tables are free, aliases and concurrent requests on two instances cannot overspend, and every charge is logged.
/// </summary>
public sealed class PrivacyBudgetTests
{
    private const string Budget = "disclosureControl { source rho rhoCharged standardDeviation marginOfError95 cellsSuppressed budget { rhoPerQuarter rhoRemaining renewsOn } publishedTable }";

    [Fact]
    public async Task A_repeated_question_is_identical_and_free_until_a_case_is_recorded()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var client = await app.GraphQLAsync();
        var query = $$"""{ caseStatistics(filter: { provinces: ["TH-50"], sexes: [FEMALE] }, groupBy: [DISTRICT]) { cells { district { code } count suppressed } total { count suppressed } {{Budget}} } }""";

        var first = (await client.PostAsync(query)).AssertNoErrors().Data!["caseStatistics"]!;
        var second = (await client.PostAsync(query)).AssertNoErrors().Data!["caseStatistics"]!;
        Assert.Equal("FRESH", first["disclosureControl"]!["source"]!.GetValue<string>());
        Assert.Equal(0.02, first["disclosureControl"]!["rhoCharged"]!.GetValue<double>());
        Assert.Equal(0.48, first["disclosureControl"]!["budget"]!["rhoRemaining"]!.GetValue<double>(), 6);
        Assert.Equal("REPEAT", second["disclosureControl"]!["source"]!.GetValue<string>());
        Assert.Equal(0, second["disclosureControl"]!["rhoCharged"]!.GetValue<double>());
        Assert.Equal(0.48, second["disclosureControl"]!["budget"]!["rhoRemaining"]!.GetValue<double>(), 6);
        Assert.Equal(first["cells"]!.ToJsonString(), second["cells"]!.ToJsonString());
        Assert.Equal(first["total"]!.ToJsonString(), second["total"]!.ToJsonString());

        // The same question written another way (lists reordered, repeated, a province by its ISO code) is the same question.
        var reordered = $$"""{ caseStatistics(filter: { sexes: [FEMALE, FEMALE], provinces: ["50"] }, groupBy: [DISTRICT, DISTRICT]) { cells { district { code } count suppressed } {{Budget}} } }""";
        var third = (await client.PostAsync(reordered)).AssertNoErrors().Data!["caseStatistics"]!;
        Assert.Equal("REPEAT", third["disclosureControl"]!["source"]!.GetValue<string>());
        Assert.Equal(first["cells"]!.ToJsonString(), third["cells"]!.ToJsonString());

        var recorded = await client.PostAsync("""
            mutation { recordCase(input: { identifiedOn: "2025-03-02", province: "TH-50", district: "5001", ageBand: AGE_12_14, sex: FEMALE,
              nationality: "TH", populationGroup: RURAL, migrationStatus: NOT_MIGRANT, exploitationType: LABOUR, victimStatus: VICTIM,
              identificationSource: SCHOOL }) { recorded } }
            """);
        Assert.True(recorded.AssertNoErrors().Data!["recordCase"]!["recorded"]!.GetValue<bool>());
        var afterNewData = (await client.PostAsync(query)).AssertNoErrors().Data!["caseStatistics"]!;
        Assert.Equal("FRESH", afterNewData["disclosureControl"]!["source"]!.GetValue<string>());
        Assert.Equal(0.46, afterNewData["disclosureControl"]!["budget"]!["rhoRemaining"]!.GetValue<double>(), 6);
    }

    [Fact]
    public async Task Each_alias_is_charged_and_the_access_log_records_rho_charged_and_left()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var client = await app.GraphQLAsync();
        var response = (await client.PostAsync("""
            query Aliased {
              a: caseStatistics(filter: { sexes: [MALE] }, groupBy: [AGE_BAND], accuracy: LOW) { total { count } }
              b: caseStatistics(filter: { sexes: [FEMALE] }, groupBy: [AGE_BAND], accuracy: HIGH) { total { count } }
              c: caseStatistics(filter: { sexes: [OTHER] }, groupBy: [AGE_BAND], rho: 0.0375) { total { count } }
            }
            """)).AssertNoErrors();
        Assert.NotNull(response.Data!["c"]);

        await using var db = await app.OpenDatabaseAsync();
        var entry = await db.AccessLog.OrderBy(e => e.Id).LastAsync(e => e.OperationName == "Aliased");
        Assert.Equal(5_000 + 100_000 + 37_500, entry.MicroRhoCharged);
        Assert.Equal(500_000 - 142_500, entry.MicroRhoRemaining);
        var spent = await db.PrivacyBudgets.SingleAsync(b => b.Account == "atd");
        Assert.Equal(142_500, spent.SpentMicroRho);
        Assert.Equal(142_500, (await db.PrivacyBudgets.SingleAsync(b => b.Account == PrivacyBudget.SystemAccount)).SpentMicroRho);
    }

    [Fact]
    public async Task A_charge_that_would_overspend_is_refused_before_counting_and_says_what_is_left_and_when_it_renews()
    {
        await using var app = await PartnerGraphApp.StartAsync(settings: new Dictionary<string, string?> { ["Statistics:Privacy:RhoPerQuarter"] = "0.03" });
        var client = await app.GraphQLAsync();
        (await client.PostAsync("{ caseStatistics(groupBy: [SEX]) { total { count } } }")).AssertNoErrors();
        app.Commands.Reset();
        var refused = await client.PostAsync("{ caseStatistics(groupBy: [AGE_BAND]) { total { count } } }");

        Assert.Equal("PRIVACY_BUDGET_EXHAUSTED", refused.FirstErrorCode);
        var extensions = refused.Errors![0]!["extensions"]!;
        Assert.Equal(0.02, extensions["rhoRequested"]!.GetValue<double>());
        Assert.Equal(0.01, extensions["rhoRemaining"]!.GetValue<double>(), 6);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Equal(PrivacyBudget.RenewsOn(today).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), extensions["renewsOn"]!.GetValue<string>());
        Assert.Contains("0.01", refused.Errors[0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(refused.Data?["caseStatistics"]);

        // Nothing was counted for the refused table: no statement read the cubes or the case records.
        Assert.DoesNotContain(app.Commands.Texts, sql => sql.Contains("\"CaseCounts\"", StringComparison.Ordinal) || (sql.Contains("\"CaseRecords\"", StringComparison.Ordinal) && sql.Contains("GROUP BY", StringComparison.Ordinal)));

        // A repeat stays free, and a cheaper accuracy still fits.
        (await client.PostAsync("{ caseStatistics(groupBy: [SEX]) { total { count } } }")).AssertNoErrors();
        (await client.PostAsync("{ caseStatistics(groupBy: [AGE_BAND], accuracy: LOW) { total { count } } }")).AssertNoErrors();
    }

    [Theory]
    [InlineData("{ caseStatistics(groupBy: [SEX], rho: 0) { total { count } } }", "INVALID_ACCURACY")]
    [InlineData("{ caseStatistics(groupBy: [SEX], rho: 2.5) { total { count } } }", "INVALID_ACCURACY")]
    [InlineData("{ caseStatistics(groupBy: [SEX], rho: -1) { total { count } } }", "INVALID_ACCURACY")]
    [InlineData("{ caseStatistics(groupBy: [DISTRICT, MONTH]) { total { count } } }", "TABLE_TOO_LARGE")]
    [InlineData("{ caseStatistics(filter: { nationalities: [\"ZZ\"] }, groupBy: [SEX]) { total { count } } }", "INVALID_NATIONALITY")]
    public async Task Bad_accuracy_and_tables_too_large_are_refused_and_cost_nothing(string query, string code)
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var response = await (await app.GraphQLAsync()).PostAsync(query);
        Assert.Equal(code, response.FirstErrorCode);
        await using var db = await app.OpenDatabaseAsync();
        Assert.Equal(0, await db.PrivacyBudgets.Where(b => b.Account == "atd").SumAsync(b => b.SpentMicroRho));
    }

    [Fact]
    public async Task The_standard_questions_are_answered_free_from_published_tables_alike_for_every_organisation()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var atd = await app.GraphQLAsync();
        var border = await ClientAsync(app, "border-children-foundation");
        var byProvinceAndYear = $$"""{ caseStatistics(filter: { period: { from: "2021-01-01", to: "2025-12-31" } }, groupBy: [PROVINCE, YEAR]) { cells { province { code } year count suppressed } total { count } {{Budget}} } }""";
        var byQuarterAndSex = $$"""{ caseStatistics(filter: { period: { from: "2025-01-01", to: "2025-12-31" }, provinces: ["TH-50", "TH-57"] }, groupBy: [QUARTER, SEX]) { cells { quarter sex count suppressed } {{Budget}} } }""";

        var first = (await atd.PostAsync(byProvinceAndYear)).AssertNoErrors().Data!["caseStatistics"]!;
        var report = first["disclosureControl"]!;
        Assert.Equal("PUBLISHED", report["source"]!.GetValue<string>());
        Assert.Equal("children-by-province-and-year", report["publishedTable"]!.GetValue<string>());
        Assert.Equal(0, report["rhoCharged"]!.GetValue<double>());
        Assert.Equal(0.5, report["budget"]!["rhoRemaining"]!.GetValue<double>());
        Assert.Equal(77 * 5, first["cells"]!.AsArray().Count);

        // Another organisation, whose agreement covers eight provinces at PROVINCE granularity, reads the same figures for them.
        var theirs = (await border.PostAsync(byProvinceAndYear)).AssertNoErrors().Data!["caseStatistics"]!;
        Assert.Equal("PUBLISHED", theirs["disclosureControl"]!["source"]!.GetValue<string>());
        string[] covered = ["50", "55", "56", "57", "58", "63", "70", "71"];
        Assert.Equal(
            first["cells"]!.AsArray().Where(c => covered.Contains(c!["province"]!["code"]!.GetValue<string>())).Select(c => c!.ToJsonString()),
            theirs["cells"]!.AsArray().Select(c => c!.ToJsonString()));

        // Quarter by sex in two provinces: the published province-by-quarter-by-sex table, two cells summed into each.
        var summed = (await atd.PostAsync(byQuarterAndSex)).AssertNoErrors().Data!["caseStatistics"]!["disclosureControl"]!;
        Assert.Equal("province-by-quarter-by-sex", summed["publishedTable"]!.GetValue<string>());
        Assert.Equal(0, summed["rhoCharged"]!.GetValue<double>());

        await using var db = await app.OpenDatabaseAsync();
        Assert.Equal(0, await db.PrivacyBudgets.Where(b => b.Account == "atd" || b.Account == "border-children-foundation").SumAsync(b => b.SpentMicroRho));
        // Each published table is measured once a quarter, from the published budget: two tables so far, 0.2 each.
        Assert.Equal(400_000, (await db.PrivacyBudgets.SingleAsync(b => b.Account == PrivacyBudget.PublishedAccount)).SpentMicroRho);
        Assert.Equal(2, await db.StatisticsReleases.CountAsync(r => r.Account == PrivacyBudget.PublishedAccount));

        // A question the published tables cannot answer at the accuracy asked for is charged.
        var precise = (await atd.PostAsync($$"""{ caseStatistics(filter: { period: { from: "2021-01-01", to: "2025-12-31" } }, groupBy: [PROVINCE, YEAR], rho: 0.5) { {{Budget}} } }""")).AssertNoErrors();
        Assert.Equal("FRESH", precise.Data!["caseStatistics"]!["disclosureControl"]!["source"]!.GetValue<string>());
    }

    [Fact]
    public async Task Fifty_concurrent_different_questions_on_two_instances_at_the_edge_of_a_budget_never_overspend_it()
    {
        var database = await TestDatabase.CopyAsync();
        var set = await ServerProcess.RunVerbAsync(["budgets", "set", "--org", "atd", "--rho", "0.1"], database: database);
        Assert.True(set.ExitCode == 0, set.Output);
        Assert.Contains("atd: rho 0.1 per quarter", set.Output, StringComparison.Ordinal);

        var environment = new Dictionary<string, string> { ["GraphQL__Limits__Burst"] = "200", ["GraphQL__Limits__RequestsPerMinute"] = "6000" };
        await using var one = await ServerProcess.StartAsync(environment, database);
        await using var two = await ServerProcess.StartAsync(environment, database);
        var token = await one.TokenAsync();
        using var http = new HttpClient();

        // Fifty different questions (each a different month of 2024 or 2023 by sex): 0.02 each, 0.1 in all, so five fit.
        var questions = Enumerable.Range(0, 50).Select(i => new DateOnly(2021, 1, 1).AddMonths(i)).Select(month =>
            $$"""{"query":"{ caseStatistics(filter: { period: { from: \"{{month:yyyy-MM-dd}}\", to: \"{{month.AddMonths(1).AddDays(-1):yyyy-MM-dd}}\" } }, groupBy: [SEX]) { total { count } disclosureControl { rhoCharged } } }"}""").ToList();
        var answers = await Task.WhenAll(questions.Select((body, i) => PostAsync(http, i % 2 == 0 ? one.Url : two.Url, token, body)));

        var granted = answers.Count(a => a["data"]?["caseStatistics"] is JsonObject);
        var refused = answers.Count(a => a["errors"]?[0]?["extensions"]?["code"]?.GetValue<string>() == "PRIVACY_BUDGET_EXHAUSTED");
        Assert.Equal(5, granted);
        Assert.Equal(45, refused);
        await using var db = one.OpenDatabase();
        Assert.Equal(100_000, (await db.PrivacyBudgets.SingleAsync(b => b.Account == "atd")).SpentMicroRho);
        Assert.Equal(5, await db.StatisticsReleases.CountAsync(r => r.Account == "atd"));

        var list = await ServerProcess.RunVerbAsync(["budgets", "list"], database: database);
        Assert.True(list.ExitCode == 0, list.Output);
        Assert.Matches(@"atd\s+0\.1\s+0\.1\s+0(\.0+)?\s", list.Output);
        Assert.Matches(@"shelter-southern-children\s+0\.5\s+0(\.0+)?\s+0\.5\s+\(default\)", list.Output);
    }

    private static async Task<GraphQLClient> ClientAsync(PartnerGraphApp app, string organisation)
    {
        var clientId = UniqueNames.Of("dp-", 8);
        string secret;
        await using (var services = app.Services.CreateAsyncScope())
        {
            secret = await services.ServiceProvider.GetRequiredService<PartnerClientRegistry>().AddAsync(organisation, clientId, [Scopes.StatisticsRead]);
        }

        return await app.GraphQLAsync(clientId, secret);
    }

    private static async Task<JsonNode> PostAsync(HttpClient http, Uri server, string token, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/graphql")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("application/graphql-response+json");
        using var response = await http.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
