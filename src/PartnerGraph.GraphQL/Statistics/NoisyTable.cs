using System.Text.Json;
using PartnerGraph.Data;
using PartnerGraph.Data.Statistics;
using PartnerGraph.Domain.Statistics;

namespace PartnerGraph.GraphQL.Statistics;

/// <summary>
/// A table measured under differential privacy: the noisy count of every cell of its domain (empty cells too) and of
/// its total, with the variance of one cell's noise and of the total's. Everything done to it afterwards (clamping at 0,
/// withholding under the threshold, summing cells) is post-processing and costs no privacy.
/// </summary>
public sealed record NoisyTable(IReadOnlyDictionary<string, long> Cells, long Total, double CellVariance, double TotalVariance, double CellMarginOfError95)
{
    /// <summary>
    /// Measures a table: the true counts of the question, from the database, and discrete Gaussian noise on every cell of
    /// the domain and on the total, drawn from the cryptographic source. A record adds 1 to one cell and 1 to the total,
    /// so the table's squared L2 sensitivity is 2 (1 for a total alone) and sigma^2 = sensitivity^2 / (2 rho).
    /// </summary>
    public static async Task<(NoisyTable Table, StatisticsReleaseDraft Draft)> MeasureAsync(PartnerGraphDbContext db, CaseQuestion question, TableDomain domain, long microRho, bool useCubes, CancellationToken cancellationToken)
    {
        var counts = await CaseCounter.CountAsync(db, question, useCubes, cancellationToken);
        var sensitivitySquared = SensitivitySquared(question);
        var sigmaSquared = PrivacyLoss.SigmaSquared(microRho, sensitivitySquared);
        var keys = domain.Keys().ToList();
        var noise = new long[keys.Count + 1];
        DiscreteGaussian.Fill(noise, sigmaSquared, UniformSource.Cryptographic);
        var cells = new Dictionary<string, long>(keys.Count, StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            cells[keys[i]] = counts.GetValueOrDefault(keys[i]) + noise[i];
        }

        // The domain holds every value the filters allow, so every counted case is in one of its cells.
        var table = Of(cells, counts.Values.Sum() + noise[^1], microRho, sensitivitySquared);
        return (table, new StatisticsReleaseDraft(microRho, sensitivitySquared, table.ToJson()));
    }

    /// <summary>A stored release read back.</summary>
    public static NoisyTable Read(StatisticsRelease release)
    {
        ArgumentNullException.ThrowIfNull(release);
        var stored = JsonSerializer.Deserialize<Stored>(release.Noisy) ?? throw new InvalidOperationException($"Release {release.Id} holds no table.");
        return Of(stored.Cells, stored.Total, release.MicroRho, release.SensitivitySquared);
    }

    public static int SensitivitySquared(CaseQuestion question) => question.GroupBy.Count == 0 ? 1 : 2;

    private static NoisyTable Of(IReadOnlyDictionary<string, long> cells, long total, long microRho, int sensitivitySquared)
    {
        var sigmaSquared = PrivacyLoss.SigmaSquared(microRho, sensitivitySquared);
        var variance = DiscreteGaussian.Variance(sigmaSquared);
        return new NoisyTable(cells, total, variance, variance, DiscreteGaussian.MarginOfError95(sigmaSquared));
    }

    private string ToJson() => JsonSerializer.Serialize(new Stored(Cells, Total));

    private sealed record Stored(IReadOnlyDictionary<string, long> Cells, long Total);
}

/// <summary>What is stored of a fresh measurement.</summary>
public sealed record StatisticsReleaseDraft(long MicroRho, int SensitivitySquared, string Noisy);
