namespace PartnerGraph.GraphQL.Statistics;

/// <summary>Configuration section "Statistics": the disclosure control parameters.</summary>
public sealed class StatisticsOptions
{
    public const string Section = "Statistics";

    /// <summary>k: counts from 1 to k - 1 are withheld (ONS and UK LLC practice is 10; CTDC publishes with 11).</summary>
    public int Threshold { get; set; } = 10;

    /// <summary>The cell-key method of the Australian Bureau of Statistics, against differencing and averaging.</summary>
    public bool Perturbation { get; set; } = true;

    /// <summary>Read the maintained cubes where one covers the table; off, every table is counted from the case records.</summary>
    public bool UseCubes { get; set; } = true;

    /// <summary>The most dimensions one table may be grouped by.</summary>
    public int MaxDimensions { get; set; } = 4;
}
