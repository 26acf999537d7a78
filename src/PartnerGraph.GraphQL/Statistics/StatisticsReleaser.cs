using System.Globalization;
using GraphQL;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerGraph.Data;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Data.Statistics;
using PartnerGraph.Domain.Statistics;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.GraphQL.Statistics;

/// <summary>
/// Releases tables of case counts under differential privacy, in this order: a published table that answers the
/// question at the accuracy asked (free); the stored answer to the same question from the same organisation on the
/// same data (free, identical); otherwise the organisation's budget is charged first, and only then is anything
/// counted. Every transport and every alias of a request comes through here, so each is charged alike.
/// </summary>
public sealed class StatisticsReleaser(GeographyCatalogue geography, PublishedTables published, IOptions<StatisticsOptions> options)
{
    public const string TableTooLarge = "TABLE_TOO_LARGE";
    public const string BudgetExhausted = "PRIVACY_BUDGET_EXHAUSTED";

    /// <summary>
    /// Stored answers read back, by organisation, question and data version (they never change). A table of 12,000
    /// cells takes about 1 MB here: 128 of them bound the cache to about 130 MB (1,024 took the benchmark's server to
    /// 824 MB asking a new large table each time).
    /// </summary>
    private readonly BoundedCache<string, NoisyTable> repeats = new(128);

    public async Task<CaseStatistics> ReleaseAsync(IResolveFieldContext context, CaseQuestion question, long microRho)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(question);
        var settings = options.Value;
        var domain = TableDomain.For(question, geography);
        if (domain.CellCount > settings.MaxCells)
        {
            throw new UserError(TableTooLarge, $"This table would have {domain.CellCount} cells (every combination of its dimensions' values); at most {settings.MaxCells} may be asked at once. Filter it or group by fewer or coarser dimensions.");
        }

        var request = context.Request();
        var organisation = request.Caller.OrganisationId;
        var today = DateOnly.FromDateTime(request.Clock.GetUtcNow().UtcDateTime);
        var quarter = PrivacyBudget.QuarterOf(today);
        var cancellationToken = context.CancellationToken;
        await using var db = await context.OpenDatabaseAsync();
        var limit = await LimitAsync(db, organisation, cancellationToken);

        var requestedVariance = NoisyTable.SensitivitySquared(question) * (double)PrivacyLoss.MicroPerRho / (2.0 * microRho);
        if (await published.TryAnswerAsync(db, question, requestedVariance, today, cancellationToken) is { } answer)
        {
            var spent = await PrivacyLedger.SpentAsync(db, organisation, quarter, cancellationToken);
            return Answer(context, question, domain, answer.Table, ReleaseSource.Published, answer.MicroRho, 0, Budget(limit, limit - spent, today), answer.Name);
        }

        var key = question.Hash("microRho=" + microRho.ToString(CultureInfo.InvariantCulture));
        var dataVersion = await db.CaseRecords.MaxAsync(r => (long?)r.Id, cancellationToken) ?? 0;
        var cacheKey = string.Join('|', organisation, key, dataVersion.ToString(CultureInfo.InvariantCulture));
        var remembered = repeats.TryGet(cacheKey, out var known) ? known
            : await FindAsync(db, organisation, key, dataVersion, cancellationToken) is { } repeat ? repeats.Add(cacheKey, NoisyTable.Read(repeat))
            : null;
        if (remembered is not null)
        {
            var spent = await PrivacyLedger.SpentAsync(db, organisation, quarter, cancellationToken);
            return Answer(context, question, domain, remembered, ReleaseSource.Repeat, microRho, 0, Budget(limit, limit - spent, today), null);
        }

        var charge = await PrivacyLedger.ChargeAsync(db, organisation, quarter, microRho, limit, PrivacyLoss.ToMicro(settings.Privacy.SystemRhoPerQuarter), cancellationToken);
        if (!charge.Granted)
        {
            throw Exhausted(microRho, limit, charge, today);
        }

        var (table, draft) = await NoisyTable.MeasureAsync(db, question, domain, microRho, settings.UseCubes, cancellationToken);
        var stored = await StoreAsync(db, organisation, key, dataVersion, draft, request.Clock, cancellationToken);
        var released = repeats.Add(cacheKey, stored is null ? table : NoisyTable.Read(stored));
        return Answer(context, question, domain, released, ReleaseSource.Fresh, microRho, microRho, Budget(limit, charge.RemainingMicroRho, today), null);
    }

    /// <summary>The organisation's budget per quarter in micro-rho: its own (budgets set) or the configured default.</summary>
    public async Task<long> LimitAsync(PartnerGraphDbContext db, string organisation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var own = await db.Organisations.AsNoTracking().Where(o => o.Id == organisation).Select(o => o.PrivacyBudgetMicroRho).SingleOrDefaultAsync(cancellationToken);
        return own ?? PrivacyLoss.ToMicro(options.Value.Privacy.RhoPerQuarter);
    }

    /// <summary>Stores a release; when the same question was stored meanwhile (a concurrent request), that one is returned so both answers agree.</summary>
    public static async Task<StatisticsRelease?> StoreAsync(PartnerGraphDbContext db, string account, string key, long dataVersion, StatisticsReleaseDraft draft, TimeProvider clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(clock);
        db.StatisticsReleases.Add(new StatisticsRelease
        {
            Account = account,
            Question = key,
            DataVersion = dataVersion,
            MicroRho = draft.MicroRho,
            SensitivitySquared = draft.SensitivitySquared,
            Noisy = draft.Noisy,
            ReleasedAt = clock.GetUtcNow().UtcDateTime,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return await FindAsync(db, account, key, dataVersion, cancellationToken) ?? throw new InvalidOperationException("A release could not be stored and none is there.");
        }
    }

    public static Task<StatisticsRelease?> FindAsync(PartnerGraphDbContext db, string account, string key, long dataVersion, CancellationToken cancellationToken) =>
        db.StatisticsReleases.AsNoTracking().SingleOrDefaultAsync(r => r.Account == account && r.Question == key && r.DataVersion == dataVersion, cancellationToken);

    private static PrivacyBudgetState Budget(long limit, long remaining, DateOnly today) =>
        new(PrivacyLoss.FromMicro(limit), PrivacyLoss.FromMicro(Math.Max(0, remaining)), PrivacyBudget.RenewsOn(today));

    private static UserError Exhausted(long microRho, long limit, PrivacyCharge charge, DateOnly today)
    {
        var renews = PrivacyBudget.RenewsOn(today).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var asked = PrivacyLoss.FromMicro(microRho).ToString(CultureInfo.InvariantCulture);
        var left = PrivacyLoss.FromMicro(charge.RemainingMicroRho).ToString(CultureInfo.InvariantCulture);
        var message = charge.RefusedBySystemCap
            ? $"This table needs rho {asked}, and the privacy-loss budget of the whole system for this quarter is spent; it renews on {renews}. Tables already asked (repeats) and published tables are still free."
            : $"This table needs rho {asked}; your organisation has rho {left} left of its {PrivacyLoss.FromMicro(limit).ToString(CultureInfo.InvariantCulture)} for this quarter, renewed on {renews}. Ask at a lower accuracy, ask a table already asked (repeats are free), or use a published table.";
        return new UserError(BudgetExhausted, message, new Dictionary<string, object?>
        {
            ["rhoRequested"] = PrivacyLoss.FromMicro(microRho),
            ["rhoRemaining"] = PrivacyLoss.FromMicro(charge.RemainingMicroRho),
            ["renewsOn"] = renews,
            ["systemCap"] = charge.RefusedBySystemCap,
        });
    }

    private CaseStatistics Answer(IResolveFieldContext context, CaseQuestion question, TableDomain domain, NoisyTable table, ReleaseSource source, long microRhoOfRelease, long microRhoCharged, PrivacyBudgetState budget, string? publishedName)
    {
        var threshold = options.Value.Threshold;
        var positions = StatisticCell.PositionsOf(question.GroupBy);
        var cells = new List<StatisticCell>();
        var suppressed = 0;
        foreach (var key in domain.Keys())
        {
            var count = ProtectedCount.From(table.Cells.GetValueOrDefault(key), threshold);
            suppressed += count.Suppressed ? 1 : 0;
            cells.Add(new StatisticCell(question.GroupBy.Count == 0 ? [] : key.Split(CaseCounter.Separator), positions, count.Count, count.Suppressed));
        }

        if (question.GroupBy.Count == 0)
        {
            cells.Clear();
            suppressed = 0;
        }

        var total = ProtectedCount.From(table.Total, threshold);
        var disclosure = context.Request().Disclosure;
        disclosure.AddCellsSuppressed(suppressed + (total.Suppressed ? 1 : 0));
        disclosure.AddCharge(microRhoCharged, PrivacyLoss.ToMicro(budget.RhoRemaining));
        var standardDeviation = Math.Sqrt(table.CellVariance);
        return new CaseStatistics(cells, total, new DisclosureReport
        {
            Threshold = threshold,
            Source = source,
            RhoOfRelease = PrivacyLoss.FromMicro(microRhoOfRelease),
            RhoCharged = PrivacyLoss.FromMicro(microRhoCharged),
            StandardDeviation = Math.Round(standardDeviation, 3),
            MarginOfError95 = Math.Round(table.CellMarginOfError95, 3),
            TotalStandardDeviation = Math.Round(Math.Sqrt(table.TotalVariance), 3),
            CellsSuppressed = suppressed,
            Budget = budget,
            PublishedTable = publishedName,
        });
    }
}
