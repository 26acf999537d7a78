using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Identity;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Statistics;

/// <summary>caseStatistics through the real server: useful tables under differential privacy, refusals with codes, the access log.</summary>
public sealed class CaseStatisticsQueryTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const int Threshold = 10;

    private const string ByProvinceQuarterSex = """
        { caseStatistics(filter: { period: { from: "2020-01-01", to: "2026-10-31" } }, groupBy: [PROVINCE, QUARTER, SEX]) {
            cells { province { isoCode } quarter sex count suppressed }
            total { count suppressed }
            disclosureControl { threshold methods cellsSuppressed source rhoCharged explanation } } }
        """;

    [Fact]
    public async Task Children_identified_by_province_quarter_and_sex_since_2020_come_back_as_a_safe_table()
    {
        var response = (await fixture.Client.PostAsync(ByProvinceQuarterSex)).AssertNoErrors();
        var statistics = response.Data!["caseStatistics"]!;
        var cells = statistics["cells"]!.AsArray();
        Assert.NotEmpty(cells);
        Assert.All(cells, cell =>
        {
            Assert.Matches(@"^TH-\d\d$", cell!["province"]!["isoCode"]!.GetValue<string>());
            Assert.Matches(@"^20(2\d)-Q[1-4]$", cell["quarter"]!.GetValue<string>());
            Assert.NotNull(cell["sex"]);
            if (cell["suppressed"]!.GetValue<bool>())
            {
                Assert.Null(cell["count"]);
            }
            else
            {
                Assert.True(cell["count"]!.GetValue<long>() >= Threshold, cell.ToJsonString());
            }
        });

        var report = statistics["disclosureControl"]!;
        Assert.Equal(Threshold, report["threshold"]!.GetValue<int>());
        Assert.Equal(["DISCRETE_GAUSSIAN", "THRESHOLD_SUPPRESSION"], report["methods"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(cells.Count(c => c!["suppressed"]!.GetValue<bool>()), report["cellsSuppressed"]!.GetValue<int>());
        Assert.Equal("FRESH", report["source"]!.GetValue<string>());

        // Every cell of the table is there, empty ones too: 77 provinces, 28 quarters (2020-Q1 to 2026-Q4, of which October alone), 4 sexes.
        Assert.Equal(77 * 28 * 4, cells.Count);
        Assert.True(statistics["total"]!["count"]!.GetValue<long>() >= Threshold);
    }

    [Fact]
    public async Task Repeating_a_query_gives_the_same_figures()
    {
        var first = (await fixture.Client.PostAsync(ByProvinceQuarterSex)).AssertNoErrors();
        var second = (await fixture.Client.PostAsync(ByProvinceQuarterSex)).AssertNoErrors();
        Assert.Equal(first.Body.ToJsonString(), second.Body.ToJsonString());
    }

    [Theory]
    [InlineData("{ caseStatistics(filter: { period: { from: \"2025-01-01\", to: \"2024-01-01\" } }, groupBy: [YEAR]) { total { count } } }", "INVALID_PERIOD")]
    [InlineData("{ caseStatistics(filter: { districts: [\"9999\"] }, groupBy: []) { total { count } } }", "UNKNOWN_DISTRICT")]
    [InlineData("{ caseStatistics(filter: { provinces: [\"TH-99\"] }, groupBy: []) { total { count } } }", "UNKNOWN_PROVINCE")]
    [InlineData("{ caseStatistics(groupBy: [PROVINCE, YEAR, SEX, AGE_BAND, NATIONALITY]) { total { count } } }", "INVALID_GROUP_BY")]
    public async Task Bad_arguments_get_a_clear_error(string query, string code)
    {
        var response = await fixture.Client.PostAsync(query);
        Assert.Equal(code, response.FirstErrorCode);
        Assert.Null(response.Data);
    }

    [Fact]
    public async Task A_dimension_that_does_not_exist_is_refused_before_execution()
    {
        var response = await fixture.Client.PostAsync("{ caseStatistics(groupBy: [CHILD_NAME]) { total { count } } }");
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.NotNull(response.FirstErrorCode);
    }

    [Fact]
    public async Task A_partner_with_province_granularity_cannot_group_or_filter_by_district()
    {
        var client = await ClientAsync("border-children-foundation", Scopes.StatisticsRead);
        Assert.Equal("GRANULARITY_NOT_ALLOWED", (await client.PostAsync("{ caseStatistics(groupBy: [DISTRICT]) { total { count } } }")).FirstErrorCode);
        Assert.Equal("GRANULARITY_NOT_ALLOWED", (await client.PostAsync("{ caseStatistics(filter: { districts: [\"5001\"] }, groupBy: []) { total { count } } }")).FirstErrorCode);
        var byProvince = (await client.PostAsync("{ caseStatistics(groupBy: [PROVINCE]) { cells { province { code } } } }")).AssertNoErrors();
        Assert.NotEmpty(byProvince.Data!["caseStatistics"]!["cells"]!.AsArray());
    }

    [Fact]
    public async Task Suppressed_cells_and_dimensions_are_in_the_access_log()
    {
        var client = await ClientAsync("atd", Scopes.StatisticsRead);
        var response = (await client.PostAsync("query Audited { caseStatistics(groupBy: [DISTRICT, SEX]) { total { suppressed } disclosureControl { cellsSuppressed } } }")).AssertNoErrors();
        var statistics = response.Data!["caseStatistics"]!;
        var suppressed = statistics["disclosureControl"]!["cellsSuppressed"]!.GetValue<int>() + (statistics["total"]!["suppressed"]!.GetValue<bool>() ? 1 : 0);
        Assert.True(suppressed > 0);

        await using var db = await fixture.App.OpenDatabaseAsync();
        var entry = await db.AccessLog.OrderBy(e => e.Id).LastAsync(e => e.OperationName == "Audited");
        Assert.Equal(suppressed, entry.CellsSuppressed);
        Assert.Equal("DISTRICT SEX", entry.Dimensions);
        Assert.Equal("statistics", entry.Datasets);
        Assert.Equal(20_000, entry.MicroRhoCharged);
        Assert.NotNull(entry.MicroRhoRemaining);
    }

    [Fact]
    public async Task Coverage_gaps_rank_provinces_by_noisy_counts_under_the_same_threshold()
    {
        var response = (await fixture.Client.PostAsync("""
            { coverageGaps(period: { from: "2022-01-01", to: "2025-12-31" }, level: PROVINCE) {
                province { isoCode } childrenIdentified { count suppressed } studentsReached schoolsReached gapScore rank } }
            """)).AssertNoErrors();
        var gaps = response.Data!["coverageGaps"]!.AsArray();
        Assert.NotEmpty(gaps);
        Assert.Equal(Enumerable.Range(1, gaps.Count), gaps.Select(g => g!["rank"]!.GetValue<int>()));
        var scores = gaps.Select(g => g!["gapScore"]?.GetValue<double>()).ToList();
        Assert.Equal(scores.Where(s => s is not null).OrderByDescending(s => s), scores.Where(s => s is not null));
        Assert.All(gaps, g =>
        {
            var count = g!["childrenIdentified"]!["count"]?.GetValue<long>();
            Assert.True(count is null or 0 or >= Threshold, g.ToJsonString());
        });
        Assert.Contains(gaps, g => g!["studentsReached"]!.GetValue<int>() > 0);
    }

    private async Task<GraphQLClient> ClientAsync(string organisation, string scope)
    {
        var clientId = UniqueNames.Of("stats-", 8);
        string secret;
        await using (var services = fixture.App.Services.CreateAsyncScope())
        {
            secret = await services.ServiceProvider.GetRequiredService<PartnerClientRegistry>().AddAsync(organisation, clientId, [scope]);
        }

        return await fixture.App.GraphQLAsync(clientId, secret);
    }
}
