namespace PartnerGraph.Domain.Statistics;

/// <summary>
/// One cell of a grouped count as the database computed it: the values of the grouped dimensions (in the order of
/// groupBy), the count of records, and the sum of the records' cell keys.
/// </summary>
public sealed record RawCell(IReadOnlyList<string> Key, int Count, long KeySum);

/// <summary>
/// How a table is protected. The cell-key method has no other parameters on purpose: its key range
/// (<see cref="DisclosureControl.CellKeyRange"/>) and perturbation table are fixed in code, because two instances
/// perturbing the same cell differently would let a caller average the answers back to the true count.
/// </summary>
public sealed record DisclosureOptions
{
    /// <summary>k: a count of 1 to k-1 children is withheld. 10 by default (ONS and UK LLC practice); at least 1.</summary>
    public int Threshold { get; init; } = 10;

    /// <summary>Whether shown counts get the cell-key adjustment of -2 to +2.</summary>
    public bool Perturbation { get; init; } = true;
}

public enum SuppressionKind
{
    None,

    /// <summary>The cell counted 1 to k-1 records.</summary>
    Primary,

    /// <summary>The cell was large enough but withheld so that a primary cell cannot be worked out from a margin.</summary>
    Secondary,
}

public sealed record ProtectedCell(IReadOnlyList<string> Key, int? Count, SuppressionKind Suppression)
{
    public bool Suppressed => Suppression != SuppressionKind.None;
}

public sealed record ProtectedCount(int? Count, bool Suppressed);

/// <summary>
/// What was done to a table. <see cref="PrimarySuppressed"/> includes the total when the total itself was withheld,
/// because the reader sees one more figure missing; <see cref="SecondarySuppressed"/> counts cells only.
/// </summary>
public sealed record DisclosureReport(
    int Threshold,
    IReadOnlyList<string> Methods,
    int PrimarySuppressed,
    int SecondarySuppressed,
    string? Explanation);

public sealed record ProtectedTable(IReadOnlyList<ProtectedCell> Cells, ProtectedCount Total, DisclosureReport Report);

/// <summary>The names of the methods listed in <see cref="DisclosureReport.Methods"/>, in the order they are listed.</summary>
public static class DisclosureMethod
{
    public const string PrimarySuppression = "PRIMARY_SUPPRESSION";
    public const string SecondarySuppression = "SECONDARY_SUPPRESSION";
    public const string CellKeyPerturbation = "CELL_KEY_PERTURBATION";
}
