namespace PartnerGraph.GraphQL.Transport;

/// <summary>
/// Keeps one subscriber's writes at least an interval apart: events that come sooner wait and go out together in one
/// write, so a busy stream costs a system call and a packet per batch, not per event. The first write after a quiet
/// spell goes at once.
/// </summary>
public sealed class SendPacer(TimeSpan interval, TimeProvider clock)
{
    public const string ValidRange = "from 0 (each event written as it comes) to 5000 milliseconds";

    private long lastWrite;
    private bool written;

    /// <summary>Whether an interval in milliseconds is one a subscriber would accept: longer would pass for a stalled stream.</summary>
    public static bool IsValid(double milliseconds) => milliseconds is >= 0 and <= 5000;

    /// <summary>Waits until the interval since the last write has passed, then counts the next write as made now.</summary>
    public async ValueTask WaitTurnAsync(CancellationToken cancellationToken)
    {
        if (written && interval - clock.GetElapsedTime(lastWrite) is var wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, clock, cancellationToken);
        }

        lastWrite = clock.GetTimestamp();
        written = true;
    }
}
