using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Data.Demo;
using PartnerGraph.Tests.Infrastructure;
using PartnerGraph.Tests.Statistics;

namespace PartnerGraph.Tests.Data;

/// <summary>
/// The streamed demo cases (Demo:StreamCases, the benchmark's ten million): written through the import's writer in
/// recording order, as many as asked, from the same distributions as the cases made whole, the cubes exact, and the
/// referrals pointing at cases recorded before them.
/// </summary>
public sealed class StreamedDemoDataTests
{
    private const int Cases = 20_000;

    [Fact]
    public async Task Streamed_cases_come_in_recording_order_as_many_as_asked_with_exact_cubes_and_linked_referrals()
    {
        var streamed = await SeedAsync(streamCases: true);
        var whole = await SeedAsync(streamCases: false);

        await using var db = Open(streamed);
        Assert.Equal(Cases, await db.CaseRecords.CountAsync());
        Assert.Equal(300, await db.Referrals.CountAsync());
        var recorded = await db.CaseRecords.OrderBy(c => c.Id).Select(c => c.RecordedAt).ToListAsync();
        Assert.True(recorded.Zip(recorded.Skip(1)).All(p => p.First <= p.Second), "ids rise with the time of recording");
        Assert.Equal(3, await db.CaseRecords.CountAsync(c => c.DistrictCode == DemoData.DistrictWithThreeCases));
        Assert.Equal(0, await db.CaseRecords.CountAsync(c => DateOnly.FromDateTime(c.RecordedAt) < c.IdentifiedOn));

        // Both generators draw each year's share alike (20,000 cases: a share's standard error is about 0.2 points).
        var streamedYears = await YearSharesAsync(streamed);
        var wholeYears = await YearSharesAsync(whole);
        Assert.Equal(wholeYears.Keys.Order(), streamedYears.Keys.Order());
        Assert.All(wholeYears, year => Assert.InRange(streamedYears[year.Key] - year.Value, -0.015, 0.015));

        var linked = await db.Referrals.Where(r => r.CaseRecordId != null)
            .Select(r => new { r.CreatedAt, Recorded = db.CaseRecords.Where(c => c.Id == r.CaseRecordId).Select(c => (DateTime?)c.RecordedAt).SingleOrDefault() })
            .ToListAsync();
        Assert.True(linked.Count > 100, $"{linked.Count} referrals name a case");
        Assert.All(linked, r => Assert.True(r.Recorded < r.CreatedAt && r.Recorded >= r.CreatedAt.AddDays(-120)));

        foreach (var cube in CaseCubes.All)
        {
            var expected = await CaseCubeTests.SumsAsync(streamed, cube, fromRecords: true);
            Assert.True(expected.Count > 0);
            Assert.Equal(expected, await CaseCubeTests.SumsAsync(streamed, cube, fromRecords: false));
        }
    }

    private static async Task<string> SeedAsync(bool streamCases)
    {
        var path = Path.Combine(TestDatabase.Folder, $"{Guid.NewGuid():N}.db");
        await using var db = Open(path);
        await DatabaseInitializer.MigrateAsync(db);
        await DatabaseInitializer.LoadGeographyAsync(db);
        Assert.True(await DemoData.SeedAsync(db, new DemoDataOptions { CaseRecords = Cases, Referrals = 300, StreamCases = streamCases }));
        return path;
    }

    private static async Task<Dictionary<int, double>> YearSharesAsync(string path)
    {
        await using var db = Open(path);
        var years = await db.CaseRecords.GroupBy(c => c.IdentifiedOn.Year).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
        return years.ToDictionary(y => y.Key, y => y.Count / (double)Cases);
    }

    private static PartnerGraphDbContext Open(string path) =>
        new(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.Sqlite, TestDatabase.ConnectionString(path)));
}
