using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PartnerGraph.Data;
using PartnerGraph.Data.Events;
using PartnerGraph.Domain.Referrals;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Referrals;

/// <summary>
/// On SQL Server two referral changes can commit out of order: the later sequence is visible in the outbox while the
/// earlier one is still in its transaction (or was rolled back and never comes). SQLite's single writer never does
/// this, so here the reader is simulated on a real SQLite file: the outbox rows are written out of order (the higher
/// sequence first), and the feed's reads are stepped one at a time on a fake clock, so nothing here depends on timing.
/// </summary>
public sealed class OutOfOrderCommitTests
{
    private static readonly TimeSpan GapWait = TimeSpan.FromMilliseconds(new ReferralEventOptions().GapWaitMilliseconds);

    [Fact]
    public async Task A_gap_filled_within_the_wait_holds_the_later_events_back_then_delivers_all_in_order_once()
    {
        await using var outbox = await Outbox.CopyAsync();
        var (feed, clock) = await outbox.FeedAsync();
        var head = feed.Head;
        Assert.True(head > 0, "the demo data has events in the outbox");
        var received = await Received.SubscribeAsync(feed, await outbox.OrganisationAsync());

        await outbox.CommitAsync(head + 2);
        await feed.ReadNewEventsAsync(CancellationToken.None);
        Assert.Equal(head, feed.Head);

        clock.Advance(GapWait - TimeSpan.FromMilliseconds(1));
        await feed.ReadNewEventsAsync(CancellationToken.None);
        Assert.Equal(head, feed.Head);

        await outbox.CommitAsync(head + 1);
        await feed.ReadNewEventsAsync(CancellationToken.None);
        Assert.Equal(head + 2, feed.Head);

        await outbox.CommitAsync(head + 3);
        await feed.ReadNewEventsAsync(CancellationToken.None);
        Assert.Equal([head + 1, head + 2, head + 3], await received.TakeAsync(3));
        Assert.Equal(head + 3, feed.Head);
    }

    [Fact]
    public async Task A_gap_never_filled_is_given_up_after_the_wait_and_the_events_after_it_flow_in_order()
    {
        await using var outbox = await Outbox.CopyAsync();
        var (feed, clock) = await outbox.FeedAsync();
        var head = feed.Head;
        var received = await Received.SubscribeAsync(feed, await outbox.OrganisationAsync());

        await outbox.CommitAsync(head + 2);
        await outbox.CommitAsync(head + 3);
        await feed.ReadNewEventsAsync(CancellationToken.None);
        clock.Advance(GapWait - TimeSpan.FromMilliseconds(1));
        await feed.ReadNewEventsAsync(CancellationToken.None);
        Assert.Equal(head, feed.Head);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await feed.ReadNewEventsAsync(CancellationToken.None);
        Assert.Equal(head + 3, feed.Head);

        // Later events flow without a new wait; the number given up, should it commit after all, is not sent out of order.
        await outbox.CommitAsync(head + 4);
        await feed.ReadNewEventsAsync(CancellationToken.None);
        await outbox.CommitAsync(head + 1);
        await outbox.CommitAsync(head + 5);
        await feed.ReadNewEventsAsync(CancellationToken.None);
        Assert.Equal([head + 2, head + 3, head + 4, head + 5], await received.TakeAsync(4));
        Assert.Equal(head + 5, feed.Head);
    }

    [Fact]
    public async Task On_an_empty_outbox_a_first_event_committed_after_a_later_one_is_waited_for_and_delivered_first()
    {
        await using var outbox = await Outbox.CopyAsync(empty: true);
        var (feed, _) = await outbox.FeedAsync();
        Assert.Equal(0, feed.Head);
        var received = await Received.SubscribeAsync(feed, await outbox.OrganisationAsync());

        await outbox.CommitAsync(2);
        await feed.ReadNewEventsAsync(CancellationToken.None);
        Assert.Equal(0, feed.Head);

        await outbox.CommitAsync(1);
        await feed.ReadNewEventsAsync(CancellationToken.None);
        Assert.Equal(new long[] { 1, 2 }, await received.TakeAsync(2));
        Assert.Equal(2, feed.Head);
    }

    [Fact]
    public async Task On_an_empty_outbox_a_first_event_in_order_goes_at_once_and_a_first_number_never_used_is_given_up_after_the_wait()
    {
        await using (var outbox = await Outbox.CopyAsync(empty: true))
        {
            var (feed, _) = await outbox.FeedAsync();
            var received = await Received.SubscribeAsync(feed, await outbox.OrganisationAsync());
            await outbox.CommitAsync(1);
            await feed.ReadNewEventsAsync(CancellationToken.None);
            Assert.Equal(new long[] { 1 }, await received.TakeAsync(1));
        }

        await using (var outbox = await Outbox.CopyAsync(empty: true))
        {
            var (feed, clock) = await outbox.FeedAsync();
            var received = await Received.SubscribeAsync(feed, await outbox.OrganisationAsync());
            await outbox.CommitAsync(2);
            await feed.ReadNewEventsAsync(CancellationToken.None);
            Assert.Equal(0, feed.Head);
            clock.Advance(GapWait);
            await feed.ReadNewEventsAsync(CancellationToken.None);
            Assert.Equal(new long[] { 2 }, await received.TakeAsync(1));
        }
    }

    /// <summary>A copy of the seeded database, and a writer that commits one referral change with its outbox event at a chosen sequence.</summary>
    private sealed class Outbox(string path) : IDbContextFactory<PartnerGraphDbContext>, IAsyncDisposable
    {
        public static async Task<Outbox> CopyAsync(bool empty = false)
        {
            var outbox = new Outbox(await TestDatabase.CopyAsync());
            if (empty)
            {
                await using var db = outbox.CreateDbContext();
                await db.OutboxEvents.ExecuteDeleteAsync();
                await db.ReferralStatusChanges.ExecuteDeleteAsync();
            }

            return outbox;
        }

        public PartnerGraphDbContext CreateDbContext() =>
            new(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.Sqlite, TestDatabase.ConnectionString(path)));

        public async Task<(ReferralEventFeed Feed, FakeTimeProvider Clock)> FeedAsync()
        {
            var clock = new FakeTimeProvider();
            var feed = new ReferralEventFeed(this, new LocalOutboxSignal(), Options.Create(new ReferralEventOptions()), NullLogger<ReferralEventFeed>.Instance, clock);
            await feed.LoadHeadAsync(CancellationToken.None);
            return (feed, clock);
        }

        public async Task<string> OrganisationAsync()
        {
            await using var db = CreateDbContext();
            return await db.Referrals.OrderBy(r => r.Id).Select(r => r.FromOrganisationId).FirstAsync();
        }

        /// <summary>One referral change and its outbox event, committed together at the given sequence, as the mutations write them.</summary>
        public async Task CommitAsync(long sequence)
        {
            await using var db = CreateDbContext();
            var referral = await db.Referrals.AsNoTracking().OrderBy(r => r.Id).FirstAsync();
            var change = new ReferralStatusChange
            {
                Sequence = sequence,
                ReferralId = referral.Id,
                Status = ReferralStatus.Acknowledged,
                ChangedAt = DateTime.UtcNow,
                ChangedByOrganisationId = referral.ToOrganisationId,
            };
            db.ReferralStatusChanges.Add(change);
            db.OutboxEvents.Add(OutboxEvent.Of(referral, change));
            await db.SaveChangesAsync();
        }

        public ValueTask DisposeAsync()
        {
            File.Delete(path);
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>One subscriber's events as they arrive.</summary>
    private sealed class Received : IObserver<ReferralStatusChange>
    {
        private readonly Channel<long> sequences = Channel.CreateUnbounded<long>();

        public static async Task<Received> SubscribeAsync(ReferralEventFeed feed, string organisation)
        {
            var received = new Received();
            (await feed.SubscribeAsync(organisation, null, null, _ => Task.CompletedTask, CancellationToken.None)).Subscribe(received);
            return received;
        }

        /// <summary>The next events, in the order they came; fails if they do not come within 10 s.</summary>
        public async Task<long[]> TakeAsync(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var taken = new List<long>();
            try
            {
                while (taken.Count < count)
                {
                    taken.Add(await sequences.Reader.ReadAsync(timeout.Token));
                }
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Expected {count} events, received [{string.Join(", ", taken)}]");
            }

            Assert.False(sequences.Reader.TryRead(out var extra), $"An event more than expected: {extra}");
            return [.. taken];
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error) => sequences.Writer.TryComplete(error);

        public void OnNext(ReferralStatusChange value) => sequences.Writer.TryWrite(value.Sequence);
    }
}
