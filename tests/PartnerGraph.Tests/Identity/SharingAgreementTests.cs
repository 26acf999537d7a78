using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Domain.Programmes;
using PartnerGraph.Domain.Sharing;
using PartnerGraph.Identity;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Identity;

/// <summary>Agreements are enforced on every request: dataset, validity, granularity and provinces.</summary>
public sealed class SharingAgreementTests
{
    // In the demo data this NGO shares statistics only, at province level.
    private const string Ngo = "border-children-foundation";

    [Fact]
    public async Task A_dataset_outside_every_agreement_is_refused_with_AGREEMENT_REQUIRED()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var client = await ClientAsync(app, [Scopes.CoverageRead, Scopes.ReferralsRead]);
        Assert.Equal("AGREEMENT_REQUIRED", (await client.PostAsync("{ programmes { nodes { code } } }")).FirstErrorCode);
        Assert.Equal("AGREEMENT_REQUIRED", (await client.PostAsync("{ referrals { nodes { reference } } }")).FirstErrorCode);
    }

    [Fact]
    public async Task An_expired_agreement_is_a_clear_error_not_empty_data()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        await AddAgreementAsync(app, SharedDatasets.Referrals, GeographicLevel.National, [], new(2020, 1, 1), new(2024, 12, 31));
        var response = await (await ClientAsync(app, [Scopes.ReferralsRead])).PostAsync("{ referrals { nodes { reference } } }");
        Assert.Equal("AGREEMENT_EXPIRED", response.FirstErrorCode);
        Assert.Contains("2024-12-31", response.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(response.Data);
    }

    [Fact]
    public async Task An_agreement_not_yet_in_force_is_refused()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        await AddAgreementAsync(app, SharedDatasets.Referrals, GeographicLevel.National, [], new(2099, 1, 1), new(2099, 12, 31));
        var response = await (await ClientAsync(app, [Scopes.ReferralsRead])).PostAsync("{ referrals { nodes { reference } } }");
        Assert.Equal("AGREEMENT_REQUIRED", response.FirstErrorCode);
    }

    [Fact]
    public async Task Province_granularity_cannot_group_by_district_and_sees_only_its_provinces()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        string province;
        await using (var db = await app.OpenDatabaseAsync())
        {
            province = await db.CoverageReports.Where(r => r.ProgrammeCode == "PREVENTION-SCHOOL" && r.Status == CoverageReportStatus.Approved).Select(r => r.ProvinceCode).OrderBy(p => p).FirstAsync();
        }

        await AddAgreementAsync(app, SharedDatasets.Coverage, GeographicLevel.Province, [province], new(2020, 1, 1), new(2030, 12, 31));
        var client = await ClientAsync(app, [Scopes.CoverageRead]);

        var byDistrict = await client.PostAsync("{ programmeCoverage(programmeCode: \"PREVENTION-SCHOOL\", groupBy: [DISTRICT]) { reports } }");
        Assert.Equal("GRANULARITY_NOT_ALLOWED", byDistrict.FirstErrorCode);

        var byProvince = (await client.PostAsync("{ programmeCoverage(programmeCode: \"PREVENTION-SCHOOL\", groupBy: [PROVINCE]) { province { code } reports } }")).AssertNoErrors();
        var cells = byProvince.Data!["programmeCoverage"]!.AsArray();
        Assert.Equal(province, Assert.Single(cells)!["province"]!["code"]!.GetValue<string>());
    }

    private static async Task<GraphQLClient> ClientAsync(PartnerGraphApp app, string[] scopes)
    {
        var clientId = UniqueNames.Of("test-", 8);
        string secret;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            secret = await scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>().AddAsync(Ngo, clientId, scopes);
        }

        return await app.GraphQLAsync(clientId, secret);
    }

    private static async Task AddAgreementAsync(PartnerGraphApp app, SharedDatasets datasets, GeographicLevel level, string[] provinces, DateOnly from, DateOnly to)
    {
        await using var db = await app.OpenDatabaseAsync();
        var agreement = new SharingAgreement { OrganisationId = Ngo, Datasets = datasets, Granularity = level, ValidFrom = from, ValidTo = to };
        agreement.ProvinceCodes.AddRange(provinces);
        db.SharingAgreements.Add(agreement);
        await db.SaveChangesAsync();
    }
}
