namespace PartnerGraph.Domain.Statistics;

/// <summary>
/// What one account has spent of its privacy-loss budget in one quarter. An account is an organisation (all its
/// clients and analysts together, since they can pool what they learn), <see cref="SystemAccount"/> (everything
/// released about the case records, by anyone, for the system-wide cap) or <see cref="PublishedAccount"/>.
/// </summary>
public sealed class PrivacyBudget
{
    public const string SystemAccount = "*system";
    public const string PublishedAccount = "*published";

    public required string Account { get; init; }

    /// <summary>Year * 10 + quarter, e.g. 20264.</summary>
    public required int Quarter { get; init; }

    public long SpentMicroRho { get; set; }

    public static int QuarterOf(DateOnly day) => (day.Year * 10) + ((day.Month - 1) / 3) + 1;

    /// <summary>The day the quarter's budgets renew: the first day of the next quarter.</summary>
    public static DateOnly RenewsOn(DateOnly day) => new DateOnly(day.Year, (((day.Month - 1) / 3) * 3) + 1, 1).AddMonths(3);
}

/// <summary>
/// A released table, kept so that the same question on the same data gets the same answer again for nothing: the
/// noisy value of every cell of the question's table (zero cells too) and of its total, as measured.
/// </summary>
public sealed class StatisticsRelease
{
    public long Id { get; init; }

    /// <summary>The organisation that asked, or <see cref="PrivacyBudget.PublishedAccount"/>.</summary>
    public required string Account { get; init; }

    /// <summary>SHA-256 of the canonical question and its accuracy (for a published table: its name and definition), hex.</summary>
    public required string Question { get; init; }

    /// <summary>
    /// The data it was measured on: the highest case record id for an organisation's question (any case recorded
    /// since makes it a new question); the quarter (year * 10 + quarter) for a published table.
    /// </summary>
    public required long DataVersion { get; init; }

    public required long MicroRho { get; init; }

    /// <summary>The squared L2 sensitivity of the table: 2 for cells and a total, 1 for a total alone.</summary>
    public required int SensitivitySquared { get; init; }

    /// <summary>The noisy cells and total, JSON: {"cells":{"key":value,...},"total":value}; keys are the values joined by U+001F.</summary>
    public required string Noisy { get; init; }

    public required DateTime ReleasedAt { get; init; }
}
