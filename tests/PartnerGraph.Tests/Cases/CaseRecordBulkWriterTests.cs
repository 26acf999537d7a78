using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Cases;

public sealed class CaseRecordBulkWriterTests
{
    private static readonly CaseGeography Geography = new GeographyCatalogue().ForCaseIntake();
    private static readonly CaseRecorder Wvft = new("wvft", OrganisationKind.Ngo, new HashSet<string>(StringComparer.Ordinal) { "50" });

    [Fact]
    public async Task The_prepared_SQLite_insert_stores_exactly_what_EF_Core_stores()
    {
        var database = await TestDatabase.CopyAsync();
        var batch = Enumerable.Range(0, 7_000).Select(Case).ToList();
        await using var db = Open(database);
        var before = await db.CaseRecords.MaxAsync(c => c.Id);
        var reported = new List<long>();

        Assert.Equal(7_000, await CaseRecordBulkWriter.WriteAsync(db, () => batch, new Reported(reported)));
        // The same records again, new objects: each written one has its id now, as SaveChanges would have given it.
        Assert.Equal(7_000, await CaseRecordBulkWriter.WriteThroughEntityFrameworkAsync(db, () => Enumerable.Range(0, 7_000).Select(Case)));

        var stored = await db.CaseRecords.Where(c => c.Id > before).OrderBy(c => c.Id).ToListAsync();
        Assert.Equal(14_000, stored.Count);
        var prepared = stored.Take(7_000).Select(Describe);
        var throughEf = stored.Skip(7_000).Select(Describe);
        Assert.Equal(throughEf, prepared);
        Assert.Equal(batch.Select(Describe), prepared);
        Assert.Equal(stored.Take(7_000).Select(c => c.Id), batch.Select(c => c.Id));
        Assert.Equal(7_000, reported[^1]);
    }

    [Fact]
    public async Task A_failure_part_way_writes_nothing()
    {
        var database = await TestDatabase.CopyAsync();
        await using var db = Open(database);
        var before = await db.CaseRecords.CountAsync();

        IEnumerable<CaseRecord> FailingAfter(int count)
        {
            foreach (var i in Enumerable.Range(0, count))
            {
                yield return Case(i);
            }

            throw new InvalidDataException("the file changed");
        }

        await Assert.ThrowsAsync<InvalidDataException>(() => CaseRecordBulkWriter.WriteAsync(db, () => FailingAfter(12_000)));
        await Assert.ThrowsAsync<InvalidDataException>(() => CaseRecordBulkWriter.WriteThroughEntityFrameworkAsync(db, () => FailingAfter(12_000)));
        Assert.Equal(before, await db.CaseRecords.CountAsync());
    }

    private static CaseRecord Case(int i) =>
        new CaseRecordDraft
        {
            IdentifiedOn = new DateOnly(2020, 1, 1).AddDays(i % 1500).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Province = "50",
            District = i % 3 == 0 ? null : "5001",
            AgeBand = CaseVocabulary.AgeBands.Codes[i % 5].Name,
            Sex = CaseVocabulary.Sexes.Codes[i % 4].Name,
            Nationality = i % 2 == 0 ? "MM" : "STATELESS",
            PopulationGroup = CaseVocabulary.PopulationGroups.Codes[i % 5].Name,
            MigrationStatus = CaseVocabulary.MigrationStatuses.Codes[i % 5].Name,
            ExploitationType = CaseVocabulary.ExploitationTypes.Codes[i % 7].Name,
            VictimStatus = CaseVocabulary.VictimStatuses.Codes[i % 2].Name,
            IdentificationSource = CaseVocabulary.IdentificationSources.Codes[i % 6].Name,
            Status = CaseVocabulary.CaseStatuses.Codes[i % 4].Name,
        }.Validate(Wvft, Geography, new FixedClock(new DateTimeOffset(2025, 7, 1, 3, 4, 5, 678, TimeSpan.Zero).AddTicks(i))).Record!;

    private static string Describe(CaseRecord c) =>
        string.Join('|', c.RecordingOrganisationId, c.IdentifiedOn, c.ProvinceCode, c.DistrictCode, c.AgeBand, c.Sex, c.Nationality, c.PopulationGroup, c.MigrationStatus, c.ExploitationType, c.VictimStatus, c.IdentificationSource, c.Status, c.RecordedAt.Ticks, c.RecordedAt.Kind);

    private static PartnerGraphDbContext Open(string database) =>
        new(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.Sqlite, TestDatabase.ConnectionString(database)));

    private sealed class Reported(List<long> values) : IProgress<long>
    {
        public void Report(long value) => values.Add(value);
    }
}
