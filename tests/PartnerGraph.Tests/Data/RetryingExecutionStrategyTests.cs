using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Data;
using PartnerGraph.Identity;
using PartnerGraph.Identity.Analysts;
using PartnerGraph.Tests.Infrastructure;
using PartnerGraph.Tests.SqlServer;
using PartnerGraph.Tests.Transport;

namespace PartnerGraph.Tests.Data;

/// <summary>
/// SQL Server runs with retry on failure, under which EF Core refuses a transaction begun outside the execution
/// strategy. Here the server runs on SQLite under a strategy that retries the same way, and the first write after
/// every commit fails once, as a dropped connection would: every path that writes must succeed, each change exactly once.
/// </summary>
public sealed class RetryingExecutionStrategyTests
{
    private const string Submit = "mutation($input: SubmitCoverageReportInput!) { submitCoverageReport(input: $input) { report { id version } } }";
    private const string Approve = "mutation($input: ReviewCoverageReportInput!) { approveCoverageReport(input: $input) { report { status version } } }";
    private const string RecordCase = "mutation($input: RecordCaseInput!) { recordCase(input: $input) { recorded } }";

    [Fact]
    public async Task Every_unit_of_work_succeeds_once_under_a_retrying_strategy_that_meets_transient_failures()
    {
        var faults = new TransientFaults();
        await using var app = await PartnerGraphApp.StartAsync(services: s => RetryingTestStrategy.Install(s, faults));
        var sender = await app.GraphQLAsync();
        var receiver = await app.GraphQLAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        var (casesBefore, logBefore) = await CountsAsync(app);

        // Referrals: created and taken through the workflow, each change one transaction with its outbox event.
        var sequences = await ReferralsFlow.CompleteOneAsync(sender, receiver);

        // Coverage: a shelter submits, ATD (the programme's lead) approves.
        var report = (await receiver.PostAsync(Submit, new { input = new { programmeCode = "SHELTER-PROTECTION", district = "5001", year = 2017, quarter = 1, reached = new { activeVolunteers = 3 }, target = new { activeVolunteers = 10 } } }))
            .AssertNoErrors().Data!["submitCoverageReport"]!["report"]!;
        var approved = (await sender.PostAsync(Approve, new { input = new { reportId = report["id"]!.GetValue<string>(), expectedVersion = report["version"]!.GetValue<int>() } }))
            .AssertNoErrors().Data!["approveCoverageReport"]!["report"]!;

        // Case intake: one through the mutation, 12,000 through the import's writers (SQLite's and the provider-neutral one).
        (await sender.PostAsync(RecordCase, new { input = CaseInput() })).AssertNoErrors();
        await using (var db = await app.OpenDatabaseAsync())
        {
            Assert.Equal(6_000, await CaseRecordBulkWriter.WriteAsync(db, () => SqlBulkCopyTests.Cases(6_000)));
            Assert.Equal(6_000, await CaseRecordBulkWriter.WriteThroughEntityFrameworkAsync(db, () => SqlBulkCopyTests.Cases(6_000)));
        }

        // Onboarding: a partner's client (a token server application and its organisation's record), and an analyst.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var secret = await scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>().AddAsync("atd", "retried-client", [Scopes.ReferralsRead]);
            await app.TokenAsync("retried-client", secret);
            await scope.ServiceProvider.GetRequiredService<AnalystDirectory>().AddAsync("atd", "retried@atd.example");
        }

        await using var check = await app.OpenDatabaseAsync();
        var referralId = await check.ReferralStatusChanges.Where(h => h.Sequence == sequences[0]).Select(h => h.ReferralId).SingleAsync();
        var referral = await check.Referrals.SingleAsync(r => r.Id == referralId);
        var history = await check.ReferralStatusChanges.Where(h => h.ReferralId == referral.Id).OrderBy(h => h.Sequence).Select(h => h.Sequence).ToListAsync();
        var outbox = await check.OutboxEvents.Where(e => e.ReferralId == referral.Id).OrderBy(e => e.Sequence).Select(e => e.Sequence).ToListAsync();
        Assert.Equal(5, referral.Version);
        Assert.Equal(sequences, history);
        Assert.Equal(history, outbox);
        Assert.Equal(("APPROVED", 2), (approved["status"]!.GetValue<string>(), approved["version"]!.GetValue<int>()));
        Assert.Equal(1, await check.CoverageReports.CountAsync(r => r.SubmittedByOrganisationId == TestDatabase.ShelterOrganisation && r.Year == 2017 && r.Quarter == 1 && r.DistrictCode == "5001"));
        var (casesAfter, logAfter) = await CountsAsync(app);
        Assert.Equal(casesBefore + 1 + 12_000, casesAfter);
        Assert.Equal(1, await check.PartnerClients.CountAsync(c => c.ClientId == "retried-client"));
        Assert.Equal(1, await check.Analysts.CountAsync(a => a.Email == "retried@atd.example"));

        // Every request since the count (eight to /graphql, one for a token) is on record once, and the failures were met
        // and retried, not avoided.
        Assert.Equal(logBefore + 9, logAfter);
        Assert.True(faults.Injected >= 15, $"only {faults.Injected} failures injected");
    }

    private static async Task<(int Cases, int Log)> CountsAsync(PartnerGraphApp app)
    {
        await using var db = await app.OpenDatabaseAsync();
        return (await db.CaseRecords.CountAsync(), await db.AccessLog.CountAsync());
    }

    private static Dictionary<string, object?> CaseInput() => new()
    {
        ["identifiedOn"] = "2025-06-30",
        ["province"] = "TH-63",
        ["district"] = "6306",
        ["ageBand"] = "AGE_12_14",
        ["sex"] = "FEMALE",
        ["nationality"] = "MM",
        ["populationGroup"] = "ACCOMPANYING_MIGRANT_WORKER",
        ["migrationStatus"] = "IRREGULAR_MIGRANT",
        ["exploitationType"] = "LABOUR",
        ["victimStatus"] = "VICTIM",
        ["identificationSource"] = "LABOUR_INSPECTION",
    };
}
