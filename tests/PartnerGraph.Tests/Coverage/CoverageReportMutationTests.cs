using Microsoft.EntityFrameworkCore;
using PartnerGraph.Domain.Programmes;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Coverage;

/// <summary>Coverage reports through the real server: a shelter (a partner of ATD's shelter programme) submits, ATD (its lead) reviews.</summary>
public sealed class CoverageReportMutationTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string Programme = "SHELTER-PROTECTION";

    private const string Submit = """
        mutation($input: SubmitCoverageReportInput!) { submitCoverageReport(input: $input) { report { id status version district { code } reached { activeVolunteers } target { activeVolunteers } submittedBy { slug } } } }
        """;

    private const string Approve = "mutation($input: ReviewCoverageReportInput!) { approveCoverageReport(input: $input) { report { status version } } }";
    private const string Return = "mutation($input: ReviewCoverageReportInput!) { returnCoverageReport(input: $input) { report { status version returnReason } } }";

    private const string Coverage = """
        query($period: PeriodInput) { programmeCoverage(programmeCode: "SHELTER-PROTECTION", period: $period, groupBy: [DISTRICT, QUARTER]) { district { code } year quarter reports activeVolunteers { reached } } }
        """;

    [Fact]
    public async Task Only_approved_figures_reach_programme_coverage_and_a_returned_report_can_be_corrected()
    {
        var shelter = await fixture.App.GraphQLAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        var (district, year, quarter) = await FreeQuarterAsync();
        var period = new { from = $"{year}-{((quarter - 1) * 3) + 1:00}-01", to = $"{year}-{((quarter - 1) * 3) + 1:00}-01" };
        var before = await VolunteersAsync(district, period);

        var submitted = (await shelter.PostAsync(Submit, Input(district, year, quarter, volunteers: 7))).AssertNoErrors().Data!["submitCoverageReport"]!["report"]!;
        var id = submitted["id"]!.GetValue<string>();
        Assert.Equal("SUBMITTED", submitted["status"]!.GetValue<string>());
        Assert.Equal(before, await VolunteersAsync(district, period));

        Assert.Equal("REASON_REQUIRED", (await fixture.Client.PostAsync(Return, new { input = new { reportId = id, expectedVersion = 1 } })).FirstErrorCode);
        var returned = (await fixture.Client.PostAsync(Return, new { input = new { reportId = id, expectedVersion = 1, reason = "Volunteers counted twice in March" } })).AssertNoErrors();
        Assert.Equal("RETURNED", returned.Data!["returnCoverageReport"]!["report"]!["status"]!.GetValue<string>());

        var corrected = (await shelter.PostAsync(Submit, Input(district, year, quarter, volunteers: 5))).AssertNoErrors().Data!["submitCoverageReport"]!["report"]!;
        Assert.Equal(3, corrected["version"]!.GetValue<int>());
        Assert.Equal("COVERAGE_REPORT_EXISTS", (await shelter.PostAsync(Submit, Input(district, year, quarter, volunteers: 9))).FirstErrorCode);

        var stale = await fixture.Client.PostAsync(Approve, new { input = new { reportId = id, expectedVersion = 1 } });
        Assert.Equal("CONCURRENT_UPDATE", stale.FirstErrorCode);
        Assert.Equal("SUBMITTED", stale.Errors![0]!["extensions"]!["currentStatus"]!.GetValue<string>());
        Assert.Equal(3, stale.Errors![0]!["extensions"]!["currentVersion"]!.GetValue<int>());
        (await fixture.Client.PostAsync(Approve, new { input = new { reportId = id, expectedVersion = 3 } })).AssertNoErrors();

        Assert.Equal(before + 5, await VolunteersAsync(district, period));
    }

    [Fact]
    public async Task Only_the_lead_reviews_and_only_partners_submit()
    {
        var shelter = await fixture.App.GraphQLAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        var (district, year, quarter) = await FreeQuarterAsync(skip: 1);
        var id = (await shelter.PostAsync(Submit, Input(district, year, quarter, volunteers: 3))).AssertNoErrors().Data!["submitCoverageReport"]!["report"]!["id"]!.GetValue<string>();

        var selfApproval = await shelter.PostAsync(Approve, new { input = new { reportId = id, expectedVersion = 1 } });
        var notPartner = await shelter.PostAsync(Submit, new { input = new { programmeCode = "PREVENTION-SCHOOL", district, year, quarter, reached = new { schoolsReached = 1 }, target = new { schoolsReached = 2 } } });
        var negative = await shelter.PostAsync(Submit, Input("5801", 2025, 1, volunteers: -1));
        var future = await shelter.PostAsync(Submit, Input(district, 2031, 1, volunteers: 1));

        Assert.Equal("COVERAGE_REVIEW_NOT_ALLOWED", selfApproval.FirstErrorCode);
        Assert.Equal("NOT_A_PROGRAMME_PARTNER", notPartner.FirstErrorCode);
        Assert.Equal("INVALID_COVERAGE_REPORT", negative.FirstErrorCode);
        Assert.Equal("INVALID_COVERAGE_REPORT", future.FirstErrorCode);
        await using var db = await fixture.App.OpenDatabaseAsync();
        Assert.Equal(CoverageReportStatus.Submitted, (await db.CoverageReports.SingleAsync(r => r.Id == PartnerGraph.GraphQL.Common.GlobalId.DecodeLong(id, "CoverageReport"))).Status);
    }

    [Fact]
    public async Task A_partner_reports_coverage_only_in_provinces_it_operates_in_and_a_government_one_anywhere()
    {
        // wvft (an NGO) leads the school programme and operates in the 35 demo provinces; Bangkok (TH-10) is one, Krabi (TH-81) is not.
        var wvft = await fixture.App.GraphQLAsync("demo-ngo-partner", "demo-secret-ngo-partner");
        await using (var db = await fixture.App.OpenDatabaseAsync())
        {
            Assert.Contains("10", await db.Set<PartnerGraph.Domain.Organisations.OrganisationProvince>().Where(p => p.OrganisationId == "wvft").Select(p => p.ProvinceCode).ToListAsync());
            Assert.DoesNotContain("81", await db.Set<PartnerGraph.Domain.Organisations.OrganisationProvince>().Where(p => p.OrganisationId == "wvft").Select(p => p.ProvinceCode).ToListAsync());
        }

        var outside = await wvft.PostAsync(Submit, SchoolInput("8101"));
        Assert.Equal("PROVINCE_NOT_ALLOWED", outside.FirstErrorCode);
        Assert.Contains("does not operate in", outside.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(outside.Data?["submitCoverageReport"]);
        await using (var db = await fixture.App.OpenDatabaseAsync())
        {
            Assert.False(await db.CoverageReports.AnyAsync(r => r.DistrictCode == "8101" && r.SubmittedByOrganisationId == "wvft"));
        }

        (await wvft.PostAsync(Submit, SchoolInput("1001"))).AssertNoErrors();

        // The southern shelter is GOVERNMENT: it reports in the north (TH-50, 57, 58), far from its own provinces.
        var shelter = await fixture.App.GraphQLAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        var (district, year, quarter) = await FreeQuarterAsync(skip: 2);
        (await shelter.PostAsync(Submit, Input(district, year, quarter, volunteers: 2))).AssertNoErrors();
    }

    private static object SchoolInput(string district) => new
    {
        input = new { programmeCode = "PREVENTION-SCHOOL", district, year = 2025, quarter = 1, reached = new { schoolsReached = 1 }, target = new { schoolsReached = 2 } },
    };

    private static object Input(string district, int year, int quarter, int volunteers) => new
    {
        input = new { programmeCode = Programme, district, year, quarter, reached = new { activeVolunteers = volunteers }, target = new { activeVolunteers = 10 } },
    };

    /// <summary>A district and quarter the shelter has no report for in the demo data.</summary>
    private async Task<(string District, int Year, int Quarter)> FreeQuarterAsync(int skip = 0)
    {
        await using var db = await fixture.App.OpenDatabaseAsync();
        var taken = (await db.CoverageReports.Where(r => r.SubmittedByOrganisationId == TestDatabase.ShelterOrganisation).Select(r => new { r.DistrictCode, r.Year, r.Quarter }).ToListAsync())
            .Select(r => (r.DistrictCode, r.Year, r.Quarter)).ToHashSet();
        return (from year in Enumerable.Range(2018, 8)
                from quarter in Enumerable.Range(1, 4)
                from district in new[] { "5001", "5701", "5801" }
                where !taken.Contains((district, year, quarter))
                select (district, year, quarter)).Skip(skip).First();
    }

    private async Task<int> VolunteersAsync(string district, object period)
    {
        var cells = (await fixture.Client.PostAsync(Coverage, new { period })).AssertNoErrors().Data!["programmeCoverage"]!.AsArray();
        return cells.Where(c => c!["district"]!["code"]!.GetValue<string>() == district).Sum(c => c!["activeVolunteers"]!["reached"]!.GetValue<int>());
    }
}
