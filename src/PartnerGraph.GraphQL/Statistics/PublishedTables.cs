using System.Globalization;
using Microsoft.Extensions.Options;
using PartnerGraph.Data;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Data.Statistics;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Domain.Statistics;

namespace PartnerGraph.GraphQL.Statistics;

/// <summary>A question answered from a published table: the table summed to the question's cells, and which table.</summary>
public sealed record PublishedAnswer(string Name, NoisyTable Table, long MicroRho);

/// <summary>
/// The standard tables the operator publishes (Statistics:Published): each measured once per quarter of data, over
/// every year kept and with no filter, from the published budget (Statistics:Privacy:PublishedRhoPerQuarter, shared
/// equally), stored, and read by every organisation at no charge. A question is answered from one when the table holds
/// what it asks (its dimensions, or finer ones to sum; its filters as dimensions to select; its period in whole units
/// of the table's time) and the sum is at least as accurate as the question asked for. Summing and selecting noisy
/// cells is post-processing: it costs nothing more.
/// </summary>
public sealed class PublishedTables(GeographyCatalogue geography, IOptions<StatisticsOptions> options, TimeProvider clock) : IDisposable
{
    private readonly SemaphoreSlim measuring = new(1, 1);

    /// <summary>Published tables read back (they never change within their quarter).</summary>
    private readonly BoundedCache<string, NoisyTable> measured = new(64);

    /// <summary>How each published table answers each question asked (null: it cannot), by table and question.</summary>
    private readonly BoundedCache<string, Plan?> plans = new(512);

    public void Dispose() => measuring.Dispose();

    public async Task<PublishedAnswer?> TryAnswerAsync(PartnerGraphDbContext db, CaseQuestion question, double requestedVariance, DateOnly today, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        var settings = options.Value;
        var tables = settings.PublishedTables;
        var microRho = PrivacyLoss.ToMicro(settings.Privacy.PublishedRhoPerQuarter) / Math.Max(1, tables.Count);
        if (microRho <= 0)
        {
            return null;
        }

        var cellVariance = DiscreteGaussian.Variance(PrivacyLoss.SigmaSquared(microRho, 2));
        var asked = question.CanonicalText();
        var best = tables
            .Select(t => (Table: t, Question: Whole(t, today)))
            .Select(t => (t.Table, t.Question, Plan: plans.GetOrAdd(t.Table.Name + "|" + t.Question.CanonicalText() + "|" + asked, _ => Plan.For(t.Question, question, geography))))
            .Where(t => t.Plan is not null && t.Plan.MostSummed * cellVariance <= requestedVariance)
            .OrderBy(t => t.Plan!.MostSummed)
            .FirstOrDefault();
        if (best.Plan is null)
        {
            return null;
        }

        var table = await MeasuredAsync(db, best.Table, best.Question, microRho, today, cancellationToken);
        return table is null ? null : new PublishedAnswer(best.Table.Name, best.Plan.Sum(table, question), microRho);
    }

    /// <summary>A published table's question: its dimensions, every year kept, no filter, no agreement limit.</summary>
    public CaseQuestion Whole(PublishedTableOptions table, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(table);
        return new CaseQuestion
        {
            GroupBy = CaseQuestion.Canonical(table.GroupBy),
            From = new DateOnly(options.Value.FirstYear, 1, 1),
            To = new DateOnly(today.Year, 12, 31),
            Filters = new Dictionary<CaseDimension, IReadOnlyList<string>>(),
        };
    }

    /// <summary>The table for this quarter: stored, or measured now from the published budget (null when that budget or the system's is spent).</summary>
    private async Task<NoisyTable?> MeasuredAsync(PartnerGraphDbContext db, PublishedTableOptions definition, CaseQuestion whole, long microRho, DateOnly today, CancellationToken cancellationToken)
    {
        var quarter = PrivacyBudget.QuarterOf(today);
        var key = whole.Hash("published=" + definition.Name + ";microRho=" + microRho.ToString(CultureInfo.InvariantCulture));
        var cacheKey = key + "|" + quarter.ToString(CultureInfo.InvariantCulture);
        if (measured.TryGet(cacheKey, out var known))
        {
            return known;
        }

        if (await StatisticsReleaser.FindAsync(db, PrivacyBudget.PublishedAccount, key, quarter, cancellationToken) is { } stored)
        {
            return measured.Add(cacheKey, NoisyTable.Read(stored));
        }

        // One measurement at a time in this process, so that requests arriving together do not each charge the
        // published budget for the same table (instances that race still store one table, which every request reads).
        await measuring.WaitAsync(cancellationToken);
        try
        {
            var table = await StatisticsReleaser.FindAsync(db, PrivacyBudget.PublishedAccount, key, quarter, cancellationToken) is { } raced
                ? NoisyTable.Read(raced)
                : await MeasureAsync(db, definition, whole, key, microRho, quarter, cancellationToken);
            return table is null ? null : measured.Add(cacheKey, table);
        }
        finally
        {
            measuring.Release();
        }
    }

    private async Task<NoisyTable?> MeasureAsync(PartnerGraphDbContext db, PublishedTableOptions table, CaseQuestion whole, string key, long microRho, int quarter, CancellationToken cancellationToken)
    {
        var privacy = options.Value.Privacy;
        var charge = await PrivacyLedger.ChargeAsync(db, PrivacyBudget.PublishedAccount, quarter, microRho, PrivacyLoss.ToMicro(privacy.PublishedRhoPerQuarter), PrivacyLoss.ToMicro(privacy.SystemRhoPerQuarter), cancellationToken);
        if (!charge.Granted)
        {
            return null;
        }

        var (measured, draft) = await NoisyTable.MeasureAsync(db, whole, TableDomain.For(whole, geography), microRho, options.Value.UseCubes, cancellationToken);
        var raced = await StatisticsReleaser.StoreAsync(db, PrivacyBudget.PublishedAccount, key, quarter, draft, clock, cancellationToken);
        return raced is null ? measured : NoisyTable.Read(raced);
    }

    /// <summary>How a published table's cells map to a question's: which are kept, and which cell each adds to.</summary>
    private sealed class Plan
    {
        private readonly Dictionary<string, string> targets;
        private readonly bool wholeTotal;

        private Plan(Dictionary<string, string> targets, int mostSummed, bool wholeTotal)
        {
            this.targets = targets;
            MostSummed = mostSummed;
            this.wholeTotal = wholeTotal;
        }

        /// <summary>The most published cells summed into one cell of the answer (the total aside): its variance is that many cells'.</summary>
        public int MostSummed { get; }

        /// <summary>The plan that answers <paramref name="question"/> from <paramref name="published"/>, or null when it cannot.</summary>
        public static Plan? For(CaseQuestion published, CaseQuestion question, GeographyCatalogue geography)
        {
            var has = published.GroupBy.ToHashSet();
            var time = published.GroupBy.Where(d => d.IsTime()).Cast<CaseDimension?>().SingleOrDefault();
            foreach (var dimension in question.GroupBy)
            {
                var held = has.Contains(dimension)
                    || (dimension == CaseDimension.Year && time is CaseDimension.Quarter or CaseDimension.Month)
                    || (dimension == CaseDimension.Quarter && time == CaseDimension.Month);
                if (!held)
                {
                    return null;
                }
            }

            if (question.Filters.Keys.Any(d => !has.Contains(d)) || (question.AllowedProvinces is not null && !has.Contains(CaseDimension.Province)))
            {
                return null;
            }

            var samePeriod = question.From == published.From && question.To == published.To;
            var periodFits = time switch
            {
                null => samePeriod,
                CaseDimension.Year => question.WholeYears,
                CaseDimension.Quarter => question.WholeQuarters,
                _ => question.WholeMonths,
            };
            if (!periodFits || question.From < published.From || question.To > published.To)
            {
                return null;
            }

            var wanted = TableDomain.For(question, geography).Keys().ToHashSet(StringComparer.Ordinal);
            var targets = new Dictionary<string, string>(StringComparer.Ordinal);
            var summed = new Dictionary<string, int>(StringComparer.Ordinal);
            var allowed = question.AllowedProvinces?.ToHashSet(StringComparer.Ordinal);
            var filters = question.Filters.ToDictionary(f => f.Key, f => f.Value.ToHashSet(StringComparer.Ordinal));
            var parts = new string[question.GroupBy.Count];
            var positions = published.GroupBy.Select((d, i) => (d, i)).ToDictionary(x => x.d, x => x.i);
            foreach (var key in TableDomain.For(published, geography).Keys())
            {
                var values = key.Split(CaseCounter.Separator);
                string Value(CaseDimension d) => values[positions[d]];
                if (time is { } t && !Within(t, Value(t), question.From, question.To))
                {
                    continue;
                }

                if (filters.Any(f => !f.Value.Contains(Value(f.Key))) || (allowed is not null && !allowed.Contains(Value(CaseDimension.Province))))
                {
                    continue;
                }

                for (var i = 0; i < parts.Length; i++)
                {
                    var dimension = question.GroupBy[i];
                    parts[i] = has.Contains(dimension) ? Value(dimension) : Coarser(dimension, Value(time!.Value));
                }

                var target = string.Join(CaseCounter.Separator, parts);
                if (!wanted.Contains(target))
                {
                    continue;
                }

                targets[key] = target;
                summed[target] = summed.GetValueOrDefault(target) + 1;
            }

            var wholeTotal = samePeriod && filters.Count == 0 && allowed is null;
            return new Plan(targets, summed.Count == 0 ? 1 : summed.Values.Max(), wholeTotal);
        }

        /// <summary>The question's table: the kept published cells summed into its cells, and its total.</summary>
        public NoisyTable Sum(NoisyTable published, CaseQuestion question)
        {
            var cells = new Dictionary<string, long>(StringComparer.Ordinal);
            long total = 0;
            foreach (var (key, target) in targets)
            {
                var value = published.Cells.GetValueOrDefault(key);
                cells[target] = cells.GetValueOrDefault(target) + value;
                total += value;
            }

            var variance = MostSummed * published.CellVariance;
            var totalVariance = wholeTotal ? published.TotalVariance : targets.Count * published.CellVariance;
            var margin = MostSummed == 1 ? published.CellMarginOfError95 : 1.96 * Math.Sqrt(variance);
            return new NoisyTable(cells, wholeTotal ? published.Total : total, variance, totalVariance, margin);
        }

        private static bool Within(CaseDimension time, string value, DateOnly from, DateOnly to)
        {
            var (first, last) = Span(time, value);
            return first >= from && last <= to;
        }

        private static (DateOnly First, DateOnly Last) Span(CaseDimension time, string value)
        {
            var year = int.Parse(value[..4], CultureInfo.InvariantCulture);
            var (month, months) = time switch
            {
                CaseDimension.Year => (1, 12),
                CaseDimension.Quarter => (((value[^1] - '1') * 3) + 1, 3),
                _ => (int.Parse(value[5..], CultureInfo.InvariantCulture), 1),
            };
            var first = new DateOnly(year, month, 1);
            return (first, first.AddMonths(months).AddDays(-1));
        }

        /// <summary>A year or quarter read from a finer time value ("2025-Q3" or "2025-07").</summary>
        private static string Coarser(CaseDimension dimension, string value)
        {
            if (dimension == CaseDimension.Year)
            {
                return value[..4];
            }

            var month = value.Contains('Q', StringComparison.Ordinal) ? ((value[^1] - '1') * 3) + 1 : int.Parse(value[5..], CultureInfo.InvariantCulture);
            return CaseCounter.TimeValue(CaseDimension.Quarter, int.Parse(value[..4], CultureInfo.InvariantCulture), month);
        }
    }
}
