using System.Text.Json.Nodes;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Statistics;

/// <summary>
/// The figures themselves, cell by cell, as partners get them: what is counted, withheld (primary and secondary) and
/// perturbed. A change to how tables are counted or written must leave these answers exactly as they are.
/// Each cell is kept as one line of compact JSON so that the snapshots stay readable.
/// </summary>
public sealed class CaseStatisticsSnapshotTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string EveryCellField = "province { code isoCode } district { code } year quarter month ageBand sex nationality populationGroup exploitationType victimStatus identificationSource count suppressed";
    private const string Report = "total { count suppressed } disclosureControl { threshold methods primarySuppressed secondarySuppressed explanation }";

    [Fact]
    public async Task Province_by_quarter_by_sex_over_ten_years_matches_its_snapshot() => (await TableAsync(
        $$"""{ caseStatistics(filter: { period: { from: "2017-01-01", to: "2026-12-31" } }, groupBy: [PROVINCE, QUARTER, SEX]) { cells { province { isoCode } quarter sex count suppressed } {{Report}} } }""")).MatchSnapshot();

    [Fact]
    public async Task Districts_of_Chiang_Mai_match_their_snapshot() => (await TableAsync(
        $$"""{ caseStatistics(filter: { provinces: ["TH-50"] }, groupBy: [DISTRICT]) { cells { {{EveryCellField}} } {{Report}} } }""")).MatchSnapshot();

    [Fact]
    public async Task Districts_by_sex_match_their_snapshot() => (await TableAsync(
        $$"""{ caseStatistics(groupBy: [DISTRICT, SEX]) { cells { district { code } sex count suppressed } {{Report}} } }""")).MatchSnapshot();

    [Fact]
    public async Task Year_month_age_band_and_nationality_counted_from_the_records_match_their_snapshot() => (await TableAsync(
        $$"""{ caseStatistics(filter: { period: { from: "2024-01-01", to: "2025-06-30" }, provinces: ["TH-50", "TH-57", "TH-10"] }, groupBy: [YEAR, MONTH, AGE_BAND, NATIONALITY]) { cells { {{EveryCellField}} } {{Report}} } }""")).MatchSnapshot();

    [Fact]
    public async Task Population_exploitation_status_and_source_match_their_snapshot() => (await TableAsync(
        $$"""{ caseStatistics(groupBy: [POPULATION_GROUP, EXPLOITATION_TYPE, VICTIM_STATUS, IDENTIFICATION_SOURCE]) { cells { {{EveryCellField}} } {{Report}} } }""")).MatchSnapshot();

    [Fact]
    public async Task A_filtered_table_read_from_a_cube_matches_its_snapshot() => (await TableAsync(
        $$"""{ caseStatistics(filter: { sexes: [FEMALE], ageBands: [AGE_12_14, AGE_15_17], period: { from: "2022-01-01", to: "2024-12-31" } }, groupBy: [PROVINCE, YEAR]) { cells { {{EveryCellField}} } {{Report}} } }""")).MatchSnapshot();

    [Fact]
    public async Task The_total_alone_matches_its_snapshot() => (await TableAsync(
        $$"""{ caseStatistics(groupBy: []) { cells { count } {{Report}} } }""")).MatchSnapshot();

    [Fact]
    public async Task Coverage_gaps_match_their_snapshot()
    {
        var response = (await fixture.Client.PostAsync("""
            { coverageGaps(period: { from: "2022-01-01", to: "2025-12-31" }, level: PROVINCE) {
                province { isoCode } childrenIdentified { count suppressed } studentsReached schoolsReached gapScore rank } }
            """)).AssertNoErrors();
        Lines(response.Data!["coverageGaps"]!.AsArray()).MatchSnapshot();
    }

    private async Task<JsonObject> TableAsync(string query)
    {
        var response = (await fixture.Client.PostAsync(query)).AssertNoErrors();
        var statistics = response.Data!["caseStatistics"]!.AsObject();
        var compact = new JsonObject();
        foreach (var (name, value) in statistics)
        {
            compact[name] = name == "cells" ? Lines(value!.AsArray()) : value?.DeepClone();
        }

        return compact;
    }

    private static JsonArray Lines(JsonArray items) => [.. items.Select(item => (JsonNode)JsonValue.Create(item!.ToJsonString())!)];
}
