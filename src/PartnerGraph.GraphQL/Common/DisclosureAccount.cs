namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// What one request's answer gave away under disclosure control, added up by the resolvers (which run in parallel) and
/// written to the request's access log entry by the pipeline's record step.
/// </summary>
public sealed class DisclosureAccount
{
    private int cellsSuppressed;

    /// <summary>How many statistic cells disclosure control withheld.</summary>
    public int CellsSuppressed => Volatile.Read(ref cellsSuppressed);

    public void AddCellsSuppressed(int count) => Interlocked.Add(ref cellsSuppressed, count);
}
