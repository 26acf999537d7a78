using PartnerGraph.GraphQL.Pipeline;

namespace PartnerGraph.Tests.Transport;

/// <summary>What the transports' reading loops rely on when a subscriber falls behind.</summary>
public sealed class SubscriberTests
{
    [Fact]
    public async Task A_subscriber_too_far_behind_reads_what_was_kept_and_is_then_told_it_fell_behind()
    {
        await using var subscriber = new Subscriber(_ => { });
        for (var n = 0; n <= SubscriptionFanOut.MaxPendingResults; n++)
        {
            subscriber.Offer(new byte[] { 1 });
        }

        var kept = 0;
        while (subscriber.Results.TryRead(out _))
        {
            kept++;
        }

        Assert.Equal(SubscriptionFanOut.MaxPendingResults, kept);
        await Assert.ThrowsAsync<SubscriberTooSlowException>(async () => await subscriber.Results.WaitToReadAsync());
    }
}
