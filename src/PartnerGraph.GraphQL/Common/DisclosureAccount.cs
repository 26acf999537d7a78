namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// What one request's answer gave away under disclosure control, added up by the resolvers (which run in parallel) and
/// written to the request's access log entry by the pipeline's record step.
/// </summary>
public sealed class DisclosureAccount
{
    private int cellsSuppressed;
    private long microRhoCharged;
    private long microRhoRemaining = long.MaxValue;

    /// <summary>How many statistic cells disclosure control withheld.</summary>
    public int CellsSuppressed => Volatile.Read(ref cellsSuppressed);

    /// <summary>The privacy loss the request was charged, in micro-rho, over all its tables.</summary>
    public long MicroRhoCharged => Interlocked.Read(ref microRhoCharged);

    /// <summary>What the organisation had left after the request (the least any of its tables saw), or null when it released no table.</summary>
    public long? MicroRhoRemaining => Interlocked.Read(ref microRhoRemaining) is var left && left == long.MaxValue ? null : left;

    public void AddCellsSuppressed(int count) => Interlocked.Add(ref cellsSuppressed, count);

    public void AddCharge(long microRho, long remaining)
    {
        Interlocked.Add(ref microRhoCharged, microRho);
        long seen;
        while (remaining < (seen = Interlocked.Read(ref microRhoRemaining)) && Interlocked.CompareExchange(ref microRhoRemaining, remaining, seen) != seen)
        {
        }
    }
}
