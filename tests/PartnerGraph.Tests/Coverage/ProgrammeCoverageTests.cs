using Microsoft.EntityFrameworkCore;
using PartnerGraph.Domain.Programmes;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Coverage;

public sealed class ProgrammeCoverageTests(AppFixture server) : IClassFixture<AppFixture>
{
    private GraphQLClient Client => server.Client;

    [Fact]
    public async Task Programmes_match_their_snapshot()
    {
        var response = await Client.PostAsync("{ programmes { totalCount nodes { id code nameEn nameTh kind startsOn endsOn leadOrganisation { slug } partners { slug } } } }");
        response.AssertNoErrors().Data.MatchSnapshot();
    }

    [Fact]
    public async Task Coverage_by_year_matches_its_snapshot()
    {
        var response = await Client.PostAsync("""
            { programmeCoverage(programmeCode: "PREVENTION-SCHOOL", period: { from: "2023-01-01", to: "2024-12-31" }, groupBy: [YEAR]) {
                year quarter province { code } reports schoolsReached { reached target ratio } studentsReached { reached target ratio } teachersTrained { reached target } } }
            """);
        response.AssertNoErrors().Data.MatchSnapshot();
    }

    [Fact]
    public async Task Only_approved_reports_are_counted()
    {
        var response = (await Client.PostAsync("{ programmeCoverage(programmeCode: \"PREVENTION-SCHOOL\", groupBy: []) { reports schoolsReached { reached target } } }")).AssertNoErrors();
        var cell = response.Data!["programmeCoverage"]![0]!;

        await using var db = await server.App.OpenDatabaseAsync();
        var reports = db.CoverageReports.Where(r => r.ProgrammeCode == "PREVENTION-SCHOOL");
        var approved = reports.Where(r => r.Status == CoverageReportStatus.Approved);
        Assert.True(await reports.CountAsync() > await approved.CountAsync(), "the demo data should hold reports that are not approved");
        Assert.Equal(await approved.CountAsync(), cell["reports"]!.GetValue<int>());
        Assert.Equal(await approved.SumAsync(r => r.Reached.SchoolsReached), cell["schoolsReached"]!["reached"]!.GetValue<int>());
        Assert.Equal(await approved.SumAsync(r => r.Target.SchoolsReached), cell["schoolsReached"]!["target"]!.GetValue<int>());
    }

    [Fact]
    public async Task Grouping_by_district_and_quarter_sums_to_the_total()
    {
        var total = (await Client.PostAsync("{ programmeCoverage(programmeCode: \"COMMUNITY-VOLUNTEERS\", groupBy: []) { activeVolunteers { reached } } }")).AssertNoErrors();
        var cells = (await Client.PostAsync("{ programmeCoverage(programmeCode: \"COMMUNITY-VOLUNTEERS\", groupBy: [DISTRICT, QUARTER]) { province { code } district { code province { code } } year quarter activeVolunteers { reached } } }")).AssertNoErrors();

        var list = cells.Data!["programmeCoverage"]!.AsArray();
        Assert.True(list.Count > 1);
        Assert.All(list, c =>
        {
            Assert.StartsWith(c!["province"]!["code"]!.GetValue<string>(), c["district"]!["code"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Matches(@"^\d{4}-Q[1-4]$", c["quarter"]!.GetValue<string>());
            Assert.NotNull(c["year"]);
        });
        Assert.Equal(
            total.Data!["programmeCoverage"]![0]!["activeVolunteers"]!["reached"]!.GetValue<int>(),
            list.Sum(c => c!["activeVolunteers"]!["reached"]!.GetValue<int>()));
    }

    [Theory]
    [InlineData("{ programmeCoverage(programmeCode: \"NOPE\", groupBy: [YEAR]) { year } }", "UNKNOWN_PROGRAMME")]
    [InlineData("{ programmeCoverage(programmeCode: \"PREVENTION-SCHOOL\", period: { from: \"2025-01-01\", to: \"2024-01-01\" }, groupBy: [YEAR]) { year } }", "INVALID_PERIOD")]
    public async Task Bad_arguments_get_a_clear_error(string query, string code)
    {
        var response = await Client.PostAsync(query);
        Assert.Equal(code, response.FirstErrorCode);
    }

    [Fact]
    public async Task A_date_that_is_not_a_date_is_refused_before_execution()
    {
        var response = await Client.PostAsync("{ programmeCoverage(programmeCode: \"PREVENTION-SCHOOL\", period: { from: \"2025-13-01\", to: \"2025-12-31\" }, groupBy: [YEAR]) { year } }");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.Status);
        Assert.NotNull(response.FirstErrorCode);
    }
}
