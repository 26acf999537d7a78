using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Data.Demo;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Domain.Programmes;
using PartnerGraph.Domain.Referrals;

namespace PartnerGraph.Tests.Data;

/// <summary>One small demo database, seeded once and only read by the tests of this class.</summary>
public sealed class SmallDemoDatabase : IAsyncLifetime
{
    public static readonly DemoDataOptions Options = new() { CaseRecords = 2_000, Referrals = 300 };

    private TemporarySqliteDatabase? database;

    public List<DemoSeedProgress> Progress { get; } = [];

    public PartnerGraphDbContext Open() => database!.Open();

    public async Task InitializeAsync()
    {
        database = await TemporarySqliteDatabase.CreateAsync();
        await using var db = database.Open();
        var seeded = await DemoData.SeedAsync(db, Options, new SynchronousProgress(Progress.Add));
        Assert.True(seeded);
    }

    public async Task DisposeAsync()
    {
        if (database is not null)
        {
            await database.DisposeAsync();
        }
    }

    /// <summary>Reports on the calling thread, unlike Progress&lt;T&gt;, so the list is complete when seeding returns.</summary>
    private sealed class SynchronousProgress(Action<DemoSeedProgress> report) : IProgress<DemoSeedProgress>
    {
        public void Report(DemoSeedProgress value) => report(value);
    }
}

public sealed class DemoDataTests(SmallDemoDatabase demo) : IClassFixture<SmallDemoDatabase>
{
    private static readonly DateTime EndOfAsOf = SmallDemoDatabase.Options.AsOf.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);

    [Fact]
    public async Task Demo_seed_is_deterministic()
    {
        await using var other = await TemporarySqliteDatabase.CreateAsync();
        await using (var db = other.Open())
        {
            Assert.True(await DemoData.SeedAsync(db, SmallDemoDatabase.Options));
        }

        await using var first = demo.Open();
        await using var second = other.Open();
        var expected = await SnapshotAsync(first);
        var actual = await SnapshotAsync(second);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var table in expected.Keys)
        {
            Assert.True(expected[table].Count > 0, $"{table} is empty");
            Assert.Equal(expected[table], actual[table]);
        }
    }

    [Fact]
    public async Task Demo_seed_makes_the_rows_asked_for()
    {
        await using var db = demo.Open();
        Assert.Equal(SmallDemoDatabase.Options.CaseRecords, await db.CaseRecords.CountAsync());
        Assert.Equal(SmallDemoDatabase.Options.Referrals, await db.Referrals.CountAsync());
        Assert.Equal(DemoData.Organisations.Select(o => o.Id).Order(), (await db.Organisations.Select(o => o.Id).ToListAsync()).Order());
        Assert.Equal(35, DemoData.ProvinceCodes.Distinct().Count());
        Assert.Equal(35, await db.OrganisationProvinces.CountAsync(p => p.OrganisationId == DemoOrganisationIds.Atd));
        Assert.Equal(5, await db.Programmes.CountAsync());
    }

    [Fact]
    public async Task Demo_referral_histories_follow_the_workflow()
    {
        await using var db = demo.Open();
        var referrals = await db.Referrals.AsNoTracking().ToDictionaryAsync(r => r.Id);
        var changes = await db.ReferralStatusChanges.AsNoTracking().OrderBy(c => c.Sequence).ToListAsync();
        var outbox = await db.OutboxEvents.AsNoTracking().ToDictionaryAsync(e => e.Sequence);

        foreach (var (id, history) in changes.GroupBy(c => c.ReferralId).Select(g => (g.Key, g.ToList())))
        {
            var referral = referrals[id];
            Assert.Null(history[0].PreviousStatus);
            Assert.Equal(ReferralStatus.Submitted, history[0].Status);
            Assert.Equal(referral.FromOrganisationId, history[0].ChangedByOrganisationId);
            for (var i = 1; i < history.Count; i++)
            {
                var (previous, change) = (history[i - 1], history[i]);
                Assert.Equal(previous.Status, change.PreviousStatus);
                Assert.True(change.ChangedAt > previous.ChangedAt, referral.Reference);
                var party = change.ChangedByOrganisationId == referral.ToOrganisationId ? ReferralParty.Receiver : ReferralParty.Sender;
                Assert.Contains(change.ChangedByOrganisationId, new[] { referral.FromOrganisationId, referral.ToOrganisationId });
                Assert.True(ReferralWorkflow.IsAllowed(previous.Status, change.Status, party), $"{referral.Reference}: {previous.Status} -> {change.Status} by {party}");
                var move = ReferralWorkflow.Moves.Single(m => m.From == previous.Status && m.To == change.Status);
                Assert.True(!move.ReasonRequired || !string.IsNullOrWhiteSpace(change.Reason), referral.Reference);
            }

            Assert.Equal(history[^1].Status, referral.Status);
            Assert.Equal(history.Count, referral.Version);
            Assert.Equal(history[0].ChangedAt, referral.CreatedAt);
            Assert.Equal(history[^1].ChangedAt, referral.UpdatedAt);
        }

        Assert.Equal(referrals.Keys.Order(), changes.Select(c => c.ReferralId).Distinct().Order());
        for (var i = 1; i < changes.Count; i++)
        {
            Assert.True(changes[i].ChangedAt >= changes[i - 1].ChangedAt, $"sequence {changes[i].Sequence} is earlier than {changes[i - 1].Sequence}");
        }

        Assert.Equal(changes.Count, outbox.Count);
        foreach (var change in changes)
        {
            var published = outbox[change.Sequence];
            var referral = referrals[change.ReferralId];
            Assert.Equal(change.ReferralId, published.ReferralId);
            Assert.Equal(referral.FromOrganisationId, published.FromOrganisationId);
            Assert.Equal(referral.ToOrganisationId, published.ToOrganisationId);
            Assert.Equal(change.ChangedAt, published.OccurredAt);
            Assert.Equal(change.ChangedAt, published.PublishedAt);
        }
    }

    [Fact]
    public async Task Demo_referrals_are_domestic_between_thai_partners_or_transnational_with_a_destination()
    {
        await using var db = demo.Open();
        var countries = await db.Organisations.ToDictionaryAsync(o => o.Id, o => o.Country);
        var referrals = await db.Referrals.AsNoTracking().ToListAsync();
        Assert.Equal(referrals.Count, referrals.Select(r => r.Reference).Distinct().Count());
        foreach (var referral in referrals)
        {
            Assert.Matches(new Regex($"^REF-{referral.CreatedAt.Year}-\\d{{6}}$"), referral.Reference);
            Assert.NotEqual(referral.FromOrganisationId, referral.ToOrganisationId);
            Assert.True(referral.ConsentRecordedAt <= referral.CreatedAt);
            Assert.NotEqual(ReferralServices.None, referral.Services);
            if (referral.Kind == ReferralKind.Domestic)
            {
                Assert.Null(referral.DestinationCountry);
                Assert.Equal("TH", countries[referral.FromOrganisationId]);
                Assert.Equal("TH", countries[referral.ToOrganisationId]);
            }
            else
            {
                Assert.Equal(countries[referral.ToOrganisationId], referral.DestinationCountry);
                Assert.NotEqual(countries[referral.FromOrganisationId], referral.DestinationCountry);
            }
        }

        var transnational = referrals.Count(r => r.Kind == ReferralKind.Transnational) / (double)referrals.Count;
        Assert.InRange(transnational, 0.08, 0.25);
    }

    [Fact]
    public async Task Demo_seed_refuses_a_database_that_has_organisations()
    {
        await using var database = await TemporarySqliteDatabase.CreateAsync();
        await using var db = database.Open();
        db.Organisations.Add(new Organisation { Id = "existing", NameTh = "มีอยู่แล้ว", NameEn = "Already there", Kind = OrganisationKind.Ngo, Country = "TH" });
        await db.SaveChangesAsync();

        Assert.False(await DemoData.SeedAsync(db, SmallDemoDatabase.Options));

        Assert.Equal(1, await db.Organisations.CountAsync());
        Assert.Equal(0, await db.CaseRecords.CountAsync());
        Assert.Equal(0, await db.SharingAgreements.CountAsync());
    }

    [Fact]
    public async Task Demo_seed_refuses_a_database_without_the_geography()
    {
        await using var database = await TemporarySqliteDatabase.CreateAsync();
        await using var db = database.Open();
        await db.Districts.ExecuteDeleteAsync();

        await Assert.ThrowsAsync<InvalidOperationException>(() => DemoData.SeedAsync(db, SmallDemoDatabase.Options));
        Assert.Equal(0, await db.Organisations.CountAsync());
    }

    [Fact]
    public async Task Demo_coverage_reports_are_unique_per_programme_district_quarter_and_partner()
    {
        await using var db = demo.Open();
        var reports = await db.CoverageReports.AsNoTracking().ToListAsync();
        var duplicates = reports.GroupBy(r => (r.ProgrammeCode, r.DistrictCode, r.Year, r.Quarter, r.SubmittedByOrganisationId)).Where(g => g.Count() > 1);
        Assert.Empty(duplicates);

        // 55 districts, three prevention programmes, 2022-Q1 to 2026-Q3.
        Assert.Equal(55, reports.Select(r => r.DistrictCode).Distinct().Count());
        Assert.Equal(22, reports.Select(r => r.ProvinceCode).Distinct().Count());
        Assert.Equal((2026, 3), reports.Select(r => (r.Year, r.Quarter)).Max());
        Assert.Equal((2022, 1), reports.Select(r => (r.Year, r.Quarter)).Min());
    }

    [Fact]
    public async Task Demo_coverage_reports_are_submitted_by_a_partner_and_reviewed_by_the_lead()
    {
        await using var db = demo.Open();
        var programmes = await db.Programmes.AsNoTracking().Include(p => p.Partners).ToDictionaryAsync(p => p.Code);
        var districts = await db.Districts.AsNoTracking().ToDictionaryAsync(d => d.Code, d => d.ProvinceCode);
        var reports = await db.CoverageReports.AsNoTracking().ToListAsync();
        foreach (var report in reports)
        {
            var programme = programmes[report.ProgrammeCode];
            Assert.Equal(districts[report.DistrictCode], report.ProvinceCode);
            Assert.Contains(programme.Partners, p => p.OrganisationId == report.SubmittedByOrganisationId);
            Assert.InRange(report.Quarter, 1, 4);
            if (report.Status == CoverageReportStatus.Submitted)
            {
                Assert.Null(report.ReviewedAt);
                Assert.Equal(1, report.Version);
            }
            else
            {
                Assert.Equal(programme.LeadOrganisationId, report.ReviewedByOrganisationId);
                Assert.True(report.ReviewedAt > report.SubmittedAt);
                Assert.Equal(report.Status == CoverageReportStatus.Returned, report.ReturnReason is not null);
            }
        }

        var approved = reports.Count(r => r.Status == CoverageReportStatus.Approved) / (double)reports.Count;
        Assert.InRange(approved, 0.85, 0.97);
        Assert.Contains(reports, r => r.Status == CoverageReportStatus.Returned);
        Assert.Contains(reports, r => r.Status == CoverageReportStatus.Submitted);

        foreach (var quarter in reports.Where(r => r.ProgrammeCode == "COMMUNITY-VOLUNTEERS").GroupBy(r => (r.Year, r.Quarter)))
        {
            Assert.InRange(quarter.Sum(r => r.Reached.ActiveVolunteers), 1_900, 2_100);
        }
    }

    [Fact]
    public async Task Every_demo_case_district_belongs_to_its_province()
    {
        await using var db = demo.Open();
        var mismatched = await db.CaseRecords
            .Where(c => c.DistrictCode == null || !db.Districts.Any(d => d.Code == c.DistrictCode && d.ProvinceCode == c.ProvinceCode))
            .CountAsync();
        Assert.Equal(0, mismatched);
    }

    [Fact]
    public async Task Every_demo_case_is_recorded_by_a_partner_operating_in_its_province_or_by_the_national_division()
    {
        await using var db = demo.Open();
        var unexpected = await db.CaseRecords
            .Where(c => c.RecordingOrganisationId != DemoOrganisationIds.Atd
                && !db.OrganisationProvinces.Any(p => p.OrganisationId == c.RecordingOrganisationId && p.ProvinceCode == c.ProvinceCode))
            .CountAsync();
        Assert.Equal(0, unexpected);

        var inDemoProvinces = await db.CaseRecords.CountAsync(c => DemoData.ProvinceCodes.Contains(c.ProvinceCode)) / (double)SmallDemoDatabase.Options.CaseRecords;
        Assert.InRange(inDemoProvinces, 0.94, 0.995);
    }

    [Fact]
    public async Task Demo_has_one_known_district_with_exactly_three_cases_and_small_cells_to_suppress()
    {
        await using var db = demo.Open();
        Assert.Equal(3, await db.CaseRecords.CountAsync(c => c.DistrictCode == DemoData.DistrictWithThreeCases));

        var districtCells = await db.CaseRecords
            .GroupBy(c => new { c.DistrictCode, c.IdentifiedOn.Year, Quarter = (c.IdentifiedOn.Month + 2) / 3, c.Sex })
            .Select(g => g.Count())
            .ToListAsync();
        Assert.Contains(districtCells, n => n is >= 1 and <= 9);

        var provinceCells = await db.CaseRecords
            .GroupBy(c => new { c.ProvinceCode, c.IdentifiedOn.Year })
            .Select(g => g.Count())
            .ToListAsync();
        Assert.Contains(provinceCells, n => n >= 10);
    }

    [Fact]
    public async Task Demo_timestamps_fall_within_the_demo_period()
    {
        await using var db = demo.Open();
        var first = new DateOnly(2017, 1, 1);
        Assert.Equal(0, await db.CaseRecords.CountAsync(c => c.IdentifiedOn < first || c.IdentifiedOn > SmallDemoDatabase.Options.AsOf || c.RecordedAt >= EndOfAsOf));
        Assert.Equal(0, await db.ReferralStatusChanges.CountAsync(c => c.ChangedAt >= EndOfAsOf || c.ChangedAt < new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(0, await db.CoverageReports.CountAsync(r => r.SubmittedAt >= EndOfAsOf || r.ReviewedAt >= EndOfAsOf));
    }

    [Fact]
    public async Task Demo_text_holds_no_identity_number_or_phone_number()
    {
        await using var db = demo.Open();
        var texts = (await db.Organisations.Select(o => o.NameEn + " " + o.NameTh).ToListAsync())
            .Concat(await db.ReferralStatusChanges.Where(c => c.Reason != null).Select(c => c.Reason!).ToListAsync())
            .Concat(await db.CoverageReports.Where(r => r.ReturnReason != null).Select(r => r.ReturnReason!).ToListAsync());
        Assert.DoesNotContain(texts, t => Regex.IsMatch(t, @"\d{6,}"));
    }

    [Fact]
    public async Task Demo_sharing_agreements_include_one_that_has_expired()
    {
        await using var db = demo.Open();
        var agreements = await db.SharingAgreements.AsNoTracking().ToListAsync();
        var asOf = SmallDemoDatabase.Options.AsOf;
        Assert.Single(agreements, a => !a.IsInForceOn(asOf));
        Assert.False(agreements.Single(a => a.OrganisationId == DemoOrganisationIds.OnlineSafetyKids).IsInForceOn(asOf));
        Assert.Empty(agreements.Single(a => a.OrganisationId == DemoOrganisationIds.Atd).ProvinceCodes);
    }

    [Fact]
    public void Demo_seed_reports_progress_for_every_stage()
    {
        string[] stages = ["organisations", "cases", "referrals", "history", "programmes", "coverage"];
        Assert.Equal(stages, demo.Progress.Select(p => p.Stage).Distinct());
        foreach (var stage in stages)
        {
            var last = demo.Progress.Last(p => p.Stage == stage);
            Assert.Equal(last.Total, last.Done);
        }
    }

    /// <summary>Every row of every demo table, serialised in key order.</summary>
    private static async Task<Dictionary<string, List<string>>> SnapshotAsync(PartnerGraphDbContext db) => new()
    {
        ["organisations"] = Rows(await db.Organisations.AsNoTracking().OrderBy(o => o.Id).ToListAsync()),
        ["organisation provinces"] = Rows(await db.OrganisationProvinces.AsNoTracking().OrderBy(p => p.OrganisationId).ThenBy(p => p.ProvinceCode).ToListAsync()),
        ["sharing agreements"] = Rows(await db.SharingAgreements.AsNoTracking().OrderBy(a => a.Id).ToListAsync()),
        ["cases"] = Rows(await db.CaseRecords.AsNoTracking().OrderBy(c => c.Id).ToListAsync()),
        ["referrals"] = Rows(await db.Referrals.AsNoTracking().OrderBy(r => r.Id).ToListAsync()),
        ["history"] = Rows(await db.ReferralStatusChanges.AsNoTracking().OrderBy(c => c.Sequence).ToListAsync()),
        ["outbox"] = Rows(await db.OutboxEvents.AsNoTracking().OrderBy(e => e.Sequence).ToListAsync()),
        ["programmes"] = Rows(await db.Programmes.AsNoTracking().OrderBy(p => p.Code).ToListAsync()),
        ["programme partners"] = Rows(await db.ProgrammePartners.AsNoTracking().OrderBy(p => p.ProgrammeCode).ThenBy(p => p.OrganisationId).ToListAsync()),
        ["coverage"] = Rows(await db.CoverageReports.AsNoTracking().OrderBy(r => r.Id).ToListAsync()),
    };

    private static List<string> Rows<T>(List<T> rows) => rows.Select(r => JsonSerializer.Serialize(r)).ToList();
}
