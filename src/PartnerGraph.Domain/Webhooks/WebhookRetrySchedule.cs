namespace PartnerGraph.Domain.Webhooks;

/// <summary>
/// When a failed delivery is tried again: the first delay doubled after every failure up to a ceiling, each delay drawn
/// at random between half and all of it (jitter, so receivers coming back are not hit by every sender at once), and the
/// endpoint disabled once the event has been failing for <see cref="GiveUpAfter"/>.
/// </summary>
public sealed record WebhookRetrySchedule(TimeSpan FirstDelay, TimeSpan MaxDelay, TimeSpan GiveUpAfter)
{
    /// <summary>5 s doubling to 6 h, given up after 3 days: about 20 attempts.</summary>
    public static WebhookRetrySchedule Default { get; } = new(TimeSpan.FromSeconds(5), TimeSpan.FromHours(6), TimeSpan.FromDays(3));

    /// <summary>The delay after the given number of failed attempts (1 or more); <paramref name="unit"/> is a uniform draw in [0, 1).</summary>
    public TimeSpan DelayAfter(int failedAttempts, double unit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        var doublings = Math.Min(failedAttempts - 1, 40);
        var full = Math.Min(FirstDelay.TotalMilliseconds * Math.Pow(2, doublings), MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(full * (0.5 + (0.5 * unit)));
    }

    /// <summary>Whether an event first tried at <paramref name="firstAttemptAt"/> has failed long enough to give up at <paramref name="now"/>.</summary>
    public bool GivesUp(DateTime firstAttemptAt, DateTime now) => now - firstAttemptAt >= GiveUpAfter;
}
