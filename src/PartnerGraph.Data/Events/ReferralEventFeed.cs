using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerGraph.Domain.Referrals;

namespace PartnerGraph.Data.Events;

public sealed class ReferralEventOptions
{
    public const string Section = "Subscriptions";

    /// <summary>How often the outbox is read when no signal comes (another instance without Redis, Redis away).</summary>
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>How many events one read of the outbox takes at most.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>How many events a replay reads at once; each page costs the subscriber one request of its rate (the default page size of lists).</summary>
    public int ReplayPageSize { get; set; } = 20;

    /// <summary>
    /// How long a gap in the sequence is waited for before it is taken as a number never used (a rolled-back insert):
    /// on SQL Server a later sequence can commit before an earlier one, which must not be stepped over.
    /// </summary>
    public int GapWaitMilliseconds { get; set; } = 2000;
}

/// <summary>
/// This instance's reader of the outbox: it reads every new event in sequence order, when signalled and on a poll, and
/// hands each to the subscriptions whose organisation sent or received the referral. A subscription that asks for the
/// events after a sequence gets those from the outbox first and then the live ones, with no gap and no repeat.
/// </summary>
public sealed partial class ReferralEventFeed : BackgroundService
{
    /// <summary>The tag (an SQL comment) on the feed's reads of the outbox, which run on its own clock rather than for a request.</summary>
    public const string QueryTag = "outbox feed";

    private readonly IDbContextFactory<PartnerGraphDbContext> databases;
    private readonly OutboxSignal signal;
    private readonly ReferralEventOptions options;
    private readonly ILogger<ReferralEventFeed> logger;
    private readonly TimeProvider clock;
    private readonly Lock gate = new();
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Listener[] listeners = [];
    private long head;
    private long? gapSeenAt;

    public ReferralEventFeed(IDbContextFactory<PartnerGraphDbContext> databases, OutboxSignal signal, IOptions<ReferralEventOptions> options, ILogger<ReferralEventFeed> logger, TimeProvider clock)
    {
        this.databases = databases;
        this.signal = signal;
        this.options = options.Value;
        this.logger = logger;
        this.clock = clock;
        signal.Signalled += () => wake.Writer.TryWrite(true);
    }

    /// <summary>Raised after the head has moved on (new events handed on); webhook deliveries wait for it.</summary>
    public event Action? Advanced;

    /// <summary>The last sequence this instance has handed on: every event up to it is in the outbox, with no gap still to fill.</summary>
    public long Head
    {
        get
        {
            lock (gate)
            {
                return head;
            }
        }
    }

    /// <summary>
    /// The events of referrals the organisation sent or received (of one referral, if given), after a sequence if given,
    /// else from now on. A replay is read a page at a time, each page only once <paramref name="payForPage"/> allows it,
    /// so one subscription cannot make the server read and send the whole record at once.
    /// </summary>
    public async Task<IObservable<ReferralStatusChange>> SubscribeAsync(string organisationId, long? referralId, long? after, Func<CancellationToken, Task> payForPage, CancellationToken cancellationToken)
    {
        await ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Stream(this, new Filter(organisationId, referralId), after, payForPage);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!ready.Task.IsCompleted && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                await LoadHeadAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogReadFailed(e.GetType().Name);
                await Task.Delay(options.PollMilliseconds, stoppingToken).ConfigureAwait(false);
            }
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            using (var poll = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken))
            {
                poll.CancelAfter(options.PollMilliseconds);
                try
                {
                    await wake.Reader.ReadAsync(poll.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // the poll interval passed without a signal
                }
            }

            try
            {
                await ReadNewEventsAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database is away: nothing is handed on, and the next read starts from the same sequence.
                LogReadFailed(e.GetType().Name);
            }
        }
    }

    /// <summary>
    /// Takes the last sequence in the outbox as the head, or 0 when the outbox is empty: sequences start at 1, so the
    /// first event is expected as 1 and a later one seen first is waited on like any other gap.
    /// </summary>
    internal async Task LoadHeadAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var last = await db.OutboxEvents.TagWith(QueryTag).MaxAsync(e => (long?)e.Sequence, cancellationToken).ConfigureAwait(false) ?? 0;
        lock (gate)
        {
            head = last;
        }

        ready.TrySetResult();
    }

    /// <summary>
    /// Hands on the events after the head in sequence order. An event whose sequence is not the next one waits, with
    /// every event after it, until the missing sequence commits or <see cref="ReferralEventOptions.GapWaitMilliseconds"/>
    /// has passed since the gap was first seen (then the missing number is taken as never used).
    /// </summary>
    internal async Task ReadNewEventsAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var from = Head;
            await using var db = await databases.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var batch = await Events(db, from).Take(options.BatchSize).ToListAsync(cancellationToken).ConfigureAwait(false);
            var handedOn = 0;
            lock (gate)
            {
                foreach (var e in batch)
                {
                    if (e.Sequence != head + 1 && !GapGivenUp())
                    {
                        break;
                    }

                    gapSeenAt = null;
                    head = e.Sequence;
                    handedOn++;
                    foreach (var listener in listeners)
                    {
                        listener.Offer(e);
                    }
                }
            }

            if (handedOn > 0)
            {
                Advanced?.Invoke();
            }

            if (handedOn < batch.Count)
            {
                // An earlier sequence may still be committing: look again shortly.
                _ = Task.Delay(50, cancellationToken).ContinueWith(_ => wake.Writer.TryWrite(true), TaskScheduler.Default);
                return;
            }

            if (batch.Count < options.BatchSize)
            {
                return;
            }
        }
    }

    /// <summary>Whether the gap in front of the head has been waited for long enough (called under the gate).</summary>
    private bool GapGivenUp()
    {
        gapSeenAt ??= clock.GetTimestamp();
        return clock.GetElapsedTime(gapSeenAt.Value).TotalMilliseconds >= options.GapWaitMilliseconds;
    }

    private static IQueryable<OutboxEvent> Events(PartnerGraphDbContext db, long after) =>
        db.OutboxEvents.TagWith(QueryTag).Include(e => e.Change).Where(e => e.Sequence > after).OrderBy(e => e.Sequence);

    private long Register(Listener listener)
    {
        lock (gate)
        {
            listeners = [.. listeners, listener];
            return head;
        }
    }

    private void Unregister(Listener listener)
    {
        lock (gate)
        {
            listeners = listeners.Where(l => l != listener).ToArray();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the outbox ({Error}); trying again")]
    private partial void LogReadFailed(string error);

    /// <summary>The events one subscriber may and wants to see: the visibility rule, and the one referral it asked for.</summary>
    private sealed class Filter(string organisationId, long? referralId)
    {
        private readonly Func<OutboxEvent, bool> visible = ReferralVisibility.SentOrReceivedBy<OutboxEvent>(organisationId).Compile();

        public bool Matches(OutboxEvent e) => visible(e) && (referralId is null || e.ReferralId == referralId);

        public IQueryable<OutboxEvent> Apply(IQueryable<OutboxEvent> events)
        {
            events = events.Where(ReferralVisibility.SentOrReceivedBy<OutboxEvent>(organisationId));
            return referralId is { } one ? events.Where(e => e.ReferralId == one) : events;
        }
    }

    private sealed class Listener(Filter filter)
    {
        public Channel<OutboxEvent> Events { get; } = Channel.CreateUnbounded<OutboxEvent>(new UnboundedChannelOptions { SingleReader = true });

        public void Offer(OutboxEvent e)
        {
            if (filter.Matches(e))
            {
                Events.Writer.TryWrite(e);
            }
        }
    }

    /// <summary>One subscriber's events: registered for live events first, then the replay read up to the head at registration, then the live ones after it.</summary>
    private sealed class Stream(ReferralEventFeed feed, Filter filter, long? after, Func<CancellationToken, Task> payForPage) : IObservable<ReferralStatusChange>
    {
        public IDisposable Subscribe(IObserver<ReferralStatusChange> observer)
        {
            var listener = new Listener(filter);
            var registeredAt = feed.Register(listener);
            var stop = new CancellationTokenSource();
            _ = Task.Run(() => PumpAsync(listener, registeredAt, observer, stop.Token));
            return new Unsubscriber(() =>
            {
                feed.Unregister(listener);
                listener.Events.Writer.TryComplete();
                stop.Cancel();
                stop.Dispose();
            });
        }

        private async Task PumpAsync(Listener listener, long registeredAt, IObserver<ReferralStatusChange> observer, CancellationToken cancellationToken)
        {
            try
            {
                var last = after ?? registeredAt;
                var page = feed.options.ReplayPageSize;
                while (last < registeredAt)
                {
                    await payForPage(cancellationToken).ConfigureAwait(false);
                    await using var db = await feed.databases.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
                    var replay = await filter.Apply(Events(db, last).Where(e => e.Sequence <= registeredAt))
                        .Take(page).ToListAsync(cancellationToken).ConfigureAwait(false);
                    foreach (var e in replay)
                    {
                        observer.OnNext(e.Change!);
                    }

                    last = replay.Count < page ? registeredAt : replay[^1].Sequence;
                }

                await foreach (var e in listener.Events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (e.Sequence > last)
                    {
                        last = e.Sequence;
                        observer.OnNext(e.Change!);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // unsubscribed
            }
            catch (Exception e)
            {
                observer.OnError(e);
            }
        }
    }

    private sealed class Unsubscriber(Action dispose) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
