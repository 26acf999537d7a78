namespace PartnerGraph.Domain.Statistics;

/// <summary>A released count, or null with Suppressed when its noisy value fell under the threshold.</summary>
public sealed record ProtectedCount(long? Count, bool Suppressed)
{
    /// <summary>
    /// Post-processing of a noisy count (it costs no privacy): never negative, and withheld under
    /// <paramref name="threshold"/>, where noise would be most of what is shown.
    /// </summary>
    public static ProtectedCount From(long noisy, int threshold) => noisy < threshold ? new ProtectedCount(null, true) : new ProtectedCount(noisy, false);
}

/// <summary>Where an answer's noisy counts came from.</summary>
public enum ReleaseSource
{
    /// <summary>Measured for this question now, charged to the organisation's budget.</summary>
    Fresh,

    /// <summary>The stored answer to the same question on the same data: identical, and free.</summary>
    Repeat,

    /// <summary>Read from a published table (computed once a quarter from the published budget): free.</summary>
    Published,
}

/// <summary>What disclosure control did to one answer, as its disclosureControl field tells it.</summary>
public sealed record DisclosureReport
{
    public const string DiscreteGaussian = "DISCRETE_GAUSSIAN";
    public const string ThresholdSuppression = "THRESHOLD_SUPPRESSION";

    public required int Threshold { get; init; }
    public required ReleaseSource Source { get; init; }

    /// <summary>The privacy loss the table was measured with (rho of zCDP).</summary>
    public required decimal RhoOfRelease { get; init; }

    /// <summary>What this answer cost the organisation: 0 for a repeat or a published table.</summary>
    public required decimal RhoCharged { get; init; }

    /// <summary>The standard deviation of the noise in one cell (the largest, for cells summed from a published table).</summary>
    public required double StandardDeviation { get; init; }

    /// <summary>Half the width of the interval that holds the noise of one cell 95 times in 100.</summary>
    public required double MarginOfError95 { get; init; }

    /// <summary>The standard deviation of the total's noise.</summary>
    public required double TotalStandardDeviation { get; init; }

    public required int CellsSuppressed { get; init; }
    public required PrivacyBudgetState Budget { get; init; }
    public string? PublishedTable { get; init; }
}

/// <summary>An organisation's privacy-loss budget for the current quarter.</summary>
public sealed record PrivacyBudgetState(decimal RhoPerQuarter, decimal RhoRemaining, DateOnly RenewsOn);
