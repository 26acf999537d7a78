using Microsoft.EntityFrameworkCore;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Domain.Referrals;

namespace PartnerGraph.Data.Demo;

/// <summary>How much synthetic demo data to make, from which seed, as of which day.</summary>
public sealed record DemoDataOptions
{
    public int Seed { get; init; } = 20261126;
    public int CaseRecords { get; init; } = 50_000;
    public int Referrals { get; init; } = 5_000;
    public DateOnly AsOf { get; init; } = new(2026, 10, 31);

    /// <summary>
    /// Makes the cases as they are written, in recording order, holding about ten days of them and a sample for the
    /// referrals (SQLite): the benchmark's ten million in bounded memory. Other cases than the default's from the same
    /// seed (<see cref="DemoData.StreamVersion"/>), so off unless asked for.
    /// </summary>
    public bool StreamCases { get; init; }
}

/// <summary>How far one stage of the demo seed has got, for a progress bar.</summary>
public sealed record DemoSeedProgress(string Stage, int Done, int Total);

/// <summary>
/// SYNTHETIC DEMO DATA: organisations, case records, referrals with their histories and outbox, programmes, coverage
/// reports and sharing agreements, all made up from one seed. No row describes a real child, and nothing holds a
/// person's name. The same options always give the same rows, ids and sequence numbers included.
/// </summary>
public static class DemoData
{
    /// <summary>Pang Mapha, Mae Hong Son: the district that holds exactly three demo cases (when at least three are made).</summary>
    public const string DistrictWithThreeCases = DemoProvinces.DistrictWithThreeCases;

    private const int ChunkSize = 5_000;

    /// <summary>Cases kept in memory, a uniform sample in recording order, for the referrals to refer to when the cases are streamed.</summary>
    private const int ReferralCaseSample = 200_000;

    /// <summary>The demo caseload starts here; AsOf may not come before it.</summary>
    private static readonly DateOnly FirstDay = DemoCases.FirstDay;

    /// <summary>The version of the streamed cases (<see cref="DemoDataOptions.StreamCases"/>): a seeded database of another version holds other cases.</summary>
    public static int StreamVersion => DemoCases.StreamVersion;

    /// <summary>The demo partner organisations with the provinces they operate in; a fresh copy on each read.</summary>
    public static IReadOnlyList<Organisation> Organisations => DemoOrganisations.Create();

    /// <summary>The DOPA codes of the 35 provinces the demo partners work in.</summary>
    public static IReadOnlyList<string> ProvinceCodes => DemoProvinces.Codes;

    /// <summary>
    /// Fills an empty database with demo data in one transaction. The geography must be loaded
    /// (<see cref="DatabaseInitializer.LoadGeographyAsync"/>). Returns false and writes nothing if any organisation exists.
    /// </summary>
    public static Task<bool> SeedAsync(PartnerGraphDbContext db, DemoDataOptions options, IProgress<DemoSeedProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.CaseRecords);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Referrals);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.AsOf, FirstDay, nameof(options));

        // A retrying provider (SQL Server) runs a user transaction only inside its execution strategy; a retry starts over.
        return db.RetryingAsync(ct => SeedOnceAsync(db, options, progress, ct), cancellationToken);
    }

    private static async Task<bool> SeedOnceAsync(PartnerGraphDbContext db, DemoDataOptions options, IProgress<DemoSeedProgress>? progress, CancellationToken cancellationToken)
    {
        if (await db.Organisations.AnyAsync(cancellationToken))
        {
            return false;
        }

        var districts = (await db.Districts.AsNoTracking().OrderBy(d => d.Code).Select(d => new { d.Code, d.ProvinceCode }).ToListAsync(cancellationToken))
            .Select(d => (d.Code, d.ProvinceCode))
            .ToList();
        if (DemoProvinces.Codes.Except(districts.Select(d => d.ProvinceCode)).Any() || !districts.Any(d => d.Code == DistrictWithThreeCases))
        {
            throw new InvalidOperationException("Load the geography (DatabaseInitializer.LoadGeographyAsync) before seeding demo data.");
        }

        var autoDetectChanges = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            await using var tuned = db.Database.IsSqlite() ? await CaseRecordBulkWriter.TuneSqliteAsync(db, cancellationToken) : null;
            await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
            await WriteAsync(db, options, districts, progress, cancellationToken);
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }

            return true;
        }
        finally
        {
            db.ChangeTracker.Clear();
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetectChanges;
        }
    }

    private static async Task WriteAsync(PartnerGraphDbContext db, DemoDataOptions options, List<(string Code, string ProvinceCode)> districts, IProgress<DemoSeedProgress>? progress, CancellationToken cancellationToken)
    {
        var rng = new Random(options.Seed);
        var organisations = DemoOrganisations.Create();
        await InsertAsync(db, "organisations", [.. organisations, .. DemoOrganisations.Agreements(organisations)], progress, cancellationToken);

        var generator = new DemoCases(rng, options.AsOf, districts, organisations);
        List<CaseRecord> cases;
        if (options.StreamCases && db.Database.IsSqlite())
        {
            // Never more than the sample and about ten days of cases in memory; the writer gives each its id as it goes.
            cases = new List<CaseRecord>(Math.Min(options.CaseRecords, ReferralCaseSample * 11 / 10));
            var sampling = new Random(options.Seed ^ 0x5A5A5A5A);
            var share = Math.Min(1.0, ReferralCaseSample / (double)Math.Max(1, options.CaseRecords));
            progress?.Report(new DemoSeedProgress("cases", 0, options.CaseRecords));
            await CaseRecordBulkWriter.WriteInTransactionAsync(db, Sampled(generator.Stream(options.CaseRecords), cases, share, sampling), new CasesProgress(progress, options.CaseRecords), cancellationToken);
        }
        else if (db.Database.IsSqlite())
        {
            cases = generator.Generate(options.CaseRecords);
            // The path import-cases takes (prepared inserts, the cubes counted per batch): a million cases in a fraction of EF Core's time.
            progress?.Report(new DemoSeedProgress("cases", 0, cases.Count));
            await CaseRecordBulkWriter.WriteInTransactionAsync(db, cases, new CasesProgress(progress, cases.Count), cancellationToken);
        }
        else
        {
            cases = generator.Generate(options.CaseRecords);
            await InsertAsync(db, "cases", cases, progress, cancellationToken);
        }

        var referrals = new DemoReferrals(rng, options.AsOf, cases, organisations).Generate(options.Referrals);
        await InsertAsync(db, "referrals", referrals.Select(r => r.Referral).ToList(), progress, cancellationToken);
        await InsertAsync(db, "history", OutboxOfHistories(referrals), progress, cancellationToken);

        var programmes = DemoProgrammes.Create();
        await InsertAsync(db, "programmes", programmes, progress, cancellationToken);
        await InsertAsync(db, "coverage", new DemoProgrammes(rng, options.AsOf, districts).CoverageReports(programmes), progress, cancellationToken);
    }

    /// <summary>Passes every record on, keeping each with the given chance (in order) for the referrals.</summary>
    private static IEnumerable<CaseRecord> Sampled(IEnumerable<CaseRecord> records, List<CaseRecord> sample, double share, Random rng)
    {
        foreach (var record in records)
        {
            if (rng.NextDouble() < share)
            {
                sample.Add(record);
            }

            yield return record;
        }
    }

    /// <summary>
    /// Every history entry with its outbox event, ordered by time across all referrals: the database numbers the
    /// entries in insertion order, so sequences rise with time as they do when the API writes them one by one.
    /// </summary>
    private static List<OutboxEvent> OutboxOfHistories(List<PlannedReferral> referrals) =>
        referrals
            .SelectMany((planned, index) => planned.Changes.Select((change, step) => (planned.Referral, Change: change, Index: index, Step: step)))
            .OrderBy(x => x.Change.ChangedAt)
            .ThenBy(x => x.Index)
            .ThenBy(x => x.Step)
            .Select(x => new OutboxEvent
            {
                // The database assigns the change's sequence; EF copies it here through the Change navigation.
                Sequence = 0,
                ReferralId = x.Referral.Id,
                FromOrganisationId = x.Referral.FromOrganisationId,
                ToOrganisationId = x.Referral.ToOrganisationId,
                OccurredAt = x.Change.ChangedAt,
                PublishedAt = x.Change.ChangedAt,
                Change = new ReferralStatusChange
                {
                    ReferralId = x.Referral.Id,
                    PreviousStatus = x.Change.PreviousStatus,
                    Status = x.Change.Status,
                    ChangedAt = x.Change.ChangedAt,
                    ChangedByOrganisationId = x.Change.ChangedByOrganisationId,
                    Reason = x.Change.Reason,
                },
            })
            .ToList();

    /// <summary>Adds rows in chunks, each saved and then forgotten, so the change tracker stays small.</summary>
    private static async Task InsertAsync(PartnerGraphDbContext db, string stage, IReadOnlyList<object> rows, IProgress<DemoSeedProgress>? progress, CancellationToken cancellationToken)
    {
        progress?.Report(new DemoSeedProgress(stage, 0, rows.Count));
        for (var start = 0; start < rows.Count; start += ChunkSize)
        {
            var count = Math.Min(ChunkSize, rows.Count - start);
            for (var i = start; i < start + count; i++)
            {
                db.Add(rows[i]);
            }

            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            progress?.Report(new DemoSeedProgress(stage, start + count, rows.Count));
        }
    }

    /// <summary>The bulk writer's count of cases written, as the seed's progress, on the writer's thread.</summary>
    private sealed class CasesProgress(IProgress<DemoSeedProgress>? progress, int total) : IProgress<long>
    {
        public void Report(long value) => progress?.Report(new DemoSeedProgress("cases", (int)value, total));
    }
}
