using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using GraphQL;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerGraph.Data;
using PartnerGraph.Data.Events;
using PartnerGraph.Domain.Referrals;
using PartnerGraph.Domain.Webhooks;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Pipeline;

namespace PartnerGraph.GraphQL.Webhooks;

/// <summary>
/// Delivers each active endpoint's events, one at a time in sequence order, from the outbox. An endpoint is delivered
/// to by the one instance holding its lease (taken with a conditional UPDATE, renewed while it works); when that
/// instance dies its lease runs out and another takes over from the endpoint's cursor, so an event is delivered at
/// least once and never overtaken by a later one. Each event runs the endpoint's document through the operation
/// pipeline as its organisation (scopes, agreements, limits, access log), and is POSTed signed (Standard Webhooks).
/// </summary>
public sealed partial class WebhookDispatcher : BackgroundService
{
    public const string EventType = "referral.status_changed";

    /// <summary>The tag of the query that looks for endpoints to lease, run on this service's own clock (a poll), not for a request.</summary>
    public const string LeaseQueryTag = "webhook leases";

    private readonly IDbContextFactory<PartnerGraphDbContext> databases;
    private readonly ReferralEventFeed feed;
    private readonly OperationPipeline pipeline;
    private readonly IGraphQLTextSerializer serializer;
    private readonly WebhookAddressGuard guard;
    private readonly WebhookSecretProtector secrets;
    private readonly WebhookOptions options;
    private readonly TimeProvider clock;
    private readonly ILogger<WebhookDispatcher> logger;
    private readonly HttpClient http;
    private readonly ConcurrentDictionary<long, Task> delivering = new();
    private volatile TaskCompletionSource advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WebhookDispatcher(
        IDbContextFactory<PartnerGraphDbContext> databases,
        ReferralEventFeed feed,
        OperationPipeline pipeline,
        IGraphQLTextSerializer serializer,
        WebhookAddressGuard guard,
        WebhookSecretProtector secrets,
        IOptions<WebhookOptions> options,
        TimeProvider clock,
        ILogger<WebhookDispatcher> logger)
    {
        this.databases = databases;
        this.feed = feed;
        this.pipeline = pipeline;
        this.serializer = serializer;
        this.guard = guard;
        this.secrets = secrets;
        this.options = options.Value;
        this.clock = clock;
        this.logger = logger;
        http = guard.CreateClient();
        feed.Advanced += () => Interlocked.Exchange(ref advanced, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>This instance's name in the endpoints' lease column.</summary>
    public string InstanceId { get; } = Truncate(string.Create(CultureInfo.InvariantCulture, $"{Environment.ProcessId}/{Guid.NewGuid():N}@{Environment.MachineName}"), 100);

    private TimeSpan Lease => TimeSpan.FromSeconds(options.LeaseSeconds);

    private TimeSpan Poll => TimeSpan.FromMilliseconds(options.PollMilliseconds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ClaimAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogClaimFailed(e.GetType().Name);
                }

                await Task.Delay(Poll, clock, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // stopping
        }

        await Task.WhenAll(delivering.Values).ConfigureAwait(false);
        http.Dispose();
    }

    /// <summary>Takes the lease of every active endpoint no live instance holds, and starts delivering to it.</summary>
    private async Task ClaimAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        List<long> free;
        await using (var db = await databases.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            free = await db.WebhookEndpoints.TagWith(LeaseQueryTag)
                .Where(e => e.Status == WebhookStatus.Active && (e.LeaseOwner == null || e.LeaseOwner == InstanceId || e.LeaseExpiresAt < now))
                .Select(e => e.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        // A finished loop may not have removed itself yet: it counts as not delivering.
        foreach (var id in free.Where(id => !delivering.TryGetValue(id, out var loop) || loop.IsCompleted))
        {
            if (await TryLeaseAsync(id, cancellationToken).ConfigureAwait(false))
            {
                LogLeaseTaken(id);
                delivering[id] = Task.Run(() => DeliverAsync(id, cancellationToken), CancellationToken.None);
            }
        }
    }

    // Lease writes are transactions, so on SQLite they take the writers' turn (SqliteWriteGate) like every other write
    // and never meet a writer mid-transaction with SQLITE_BUSY.

    /// <summary>The conditional UPDATE that makes one instance the owner: it matches only while no other live instance holds the lease.</summary>
    private async Task<bool> TryLeaseAsync(long id, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var until = now + Lease;
        await using var db = await databases.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.InTransactionAsync(ct => db.WebhookEndpoints
            .Where(e => e.Id == id && e.Status == WebhookStatus.Active && (e.LeaseOwner == null || e.LeaseOwner == InstanceId || e.LeaseExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseOwner, InstanceId).SetProperty(e => e.LeaseExpiresAt, until), ct), cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Renews the lease while this instance still holds it; false when it was lost (expired and taken, or the endpoint disabled).</summary>
    private async Task<bool> RenewAsync(long id, CancellationToken cancellationToken)
    {
        var until = clock.GetUtcNow().UtcDateTime + Lease;
        await using var db = await databases.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.InTransactionAsync(ct => db.WebhookEndpoints
            .Where(e => e.Id == id && e.Status == WebhookStatus.Active && e.LeaseOwner == InstanceId)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseExpiresAt, until), ct), cancellationToken).ConfigureAwait(false) == 1;
    }

    private async Task ReleaseAsync(long id)
    {
        try
        {
            await using var db = await databases.CreateDbContextAsync().ConfigureAwait(false);
            await db.InTransactionAsync(ct => db.WebhookEndpoints.Where(e => e.Id == id && e.LeaseOwner == InstanceId)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.LeaseOwner, (string?)null).SetProperty(e => e.LeaseExpiresAt, (DateTime?)null), ct)).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The lease runs out by itself.
            LogReleaseFailed(id, e.GetType().Name);
        }
    }

    /// <summary>
    /// One endpoint's deliveries while this instance holds its lease. The lease is renewed every third of its length
    /// beside the work, also while a receiver takes its time to answer; once it is lost the work in hand is abandoned
    /// (the new holder delivers it again from the cursor).
    /// </summary>
    private async Task DeliverAsync(long id, CancellationToken stopping)
    {
        using var held = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var renewing = RenewWhileHeldAsync(id, held);
        try
        {
            while (!held.IsCancellationRequested)
            {
                TimeSpan? wait;
                var signal = advanced.Task;
                try
                {
                    wait = await StepAsync(id, held.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !held.IsCancellationRequested)
                {
                    LogStepFailed(id, e.GetType().Name);
                    wait = Poll;
                }

                if (wait is null)
                {
                    await held.CancelAsync().ConfigureAwait(false);
                    await ReleaseAsync(id).ConfigureAwait(false);
                    return;
                }

                if (wait.Value > TimeSpan.Zero)
                {
                    await Task.WhenAny(signal, Task.Delay(wait.Value, clock, held.Token)).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (held.IsCancellationRequested)
        {
            // stopping, or the lease was lost
        }
        finally
        {
            await held.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
            if (stopping.IsCancellationRequested)
            {
                await ReleaseAsync(id).ConfigureAwait(false);
            }

            delivering.TryRemove(id, out _);
        }
    }

    /// <summary>Renews the lease every third of its length until the work ends; when it cannot, the work is cancelled.</summary>
    private async Task RenewWhileHeldAsync(long id, CancellationTokenSource held)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Lease / 3, clock, held.Token).ConfigureAwait(false);
                bool renewed;
                try
                {
                    renewed = await RenewAsync(id, held.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The database is away: try again; the lease may still run out, and then it is lost.
                    LogStepFailed(id, e.GetType().Name);
                    continue;
                }

                if (!renewed)
                {
                    LogLeaseLost(id);
                    await held.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (held.IsCancellationRequested)
        {
            // the work ended
        }
    }

    /// <summary>
    /// Delivers the endpoint's next event, or tries it again: how long to wait before the next step (zero to go on at
    /// once), or null when this instance should stop (the endpoint disabled, gone, or its lease lost).
    /// </summary>
    private async Task<TimeSpan?> StepAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id, cancellationToken).ConfigureAwait(false);
        if (endpoint is null || endpoint.Status != WebhookStatus.Active || endpoint.LeaseOwner != InstanceId)
        {
            return null;
        }

        // Only up to the feed's head: an earlier sequence still committing (SQL Server) is waited for, never stepped over.
        var head = feed.Head;
        var next = await db.OutboxEvents.Include(e => e.Change)
            .Where(ReferralVisibility.SentOrReceivedBy<OutboxEvent>(endpoint.OrganisationId))
            .Where(e => e.Sequence > endpoint.Cursor && e.Sequence <= head)
            .OrderBy(e => e.Sequence).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (next is null)
        {
            return Poll;
        }

        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.EndpointId == id && d.Sequence == next.Sequence, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow().UtcDateTime;
        if (delivery?.NextAttemptAt is { } due && due > now)
        {
            return due - now;
        }

        var attempt = delivery?.Status == WebhookDeliveryStatus.Delivered
            ? Attempt.Skip
            : await AttemptAsync(endpoint, next, cancellationToken).ConfigureAwait(false);
        if (attempt.Deferred is { } deferred)
        {
            return deferred;
        }

        if (attempt.Skipped)
        {
            await AdvanceAsync(db, endpoint, next.Sequence, null, cancellationToken).ConfigureAwait(false);
            return TimeSpan.Zero;
        }

        now = clock.GetUtcNow().UtcDateTime;
        if (attempt.Delivered)
        {
            await AdvanceAsync(db, endpoint, next.Sequence, d =>
            {
                d.Status = WebhookDeliveryStatus.Delivered;
                d.Attempts++;
                d.LastAttemptAt = d.DeliveredAt = now;
                d.NextAttemptAt = null;
                d.LastStatusCode = attempt.StatusCode;
                d.LastError = null;
            }, cancellationToken).ConfigureAwait(false);
            return TimeSpan.Zero;
        }

        return await FailAsync(db, endpoint, next.Sequence, attempt, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records a delivered (or skipped) event and moves the cursor past it, only while this instance holds the lease and no replay moved the cursor.</summary>
    private async Task AdvanceAsync(PartnerGraphDbContext db, WebhookEndpoint endpoint, long sequence, Action<WebhookDelivery>? record, CancellationToken cancellationToken) =>
        await db.InTransactionAsync(async ct =>
        {
            var moved = await db.WebhookEndpoints.Where(e => e.Id == endpoint.Id && e.LeaseOwner == endpoint.LeaseOwner && e.Cursor == endpoint.Cursor)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.Cursor, sequence), ct).ConfigureAwait(false);
            if (moved == 1 && record is not null)
            {
                var delivery = await TrackedDeliveryAsync(db, endpoint.Id, sequence, clock.GetUtcNow().UtcDateTime, ct).ConfigureAwait(false);
                record(delivery);
                await db.SaveChangesAsync(ct).ConfigureAwait(false);
            }

            return moved;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>A failed attempt: tried again after the schedule's delay, or, once the event has failed long enough (or the receiver answered 410 Gone), the endpoint is disabled with a reason.</summary>
    private async Task<TimeSpan?> FailAsync(PartnerGraphDbContext db, WebhookEndpoint endpoint, long sequence, Attempt attempt, DateTime now, CancellationToken cancellationToken)
    {
        var schedule = options.RetrySchedule;
        return await db.InTransactionAsync<TimeSpan?>(async ct =>
        {
            var delivery = await TrackedDeliveryAsync(db, endpoint.Id, sequence, now, ct).ConfigureAwait(false);
            delivery.Attempts++;
            delivery.LastAttemptAt = now;
            delivery.LastStatusCode = attempt.StatusCode;
            delivery.LastError = attempt.Error;
            if (attempt.Gone || schedule.GivesUp(delivery.FirstAttemptAt, now))
            {
                delivery.Status = WebhookDeliveryStatus.Failed;
                delivery.NextAttemptAt = null;
                var reason = attempt.Gone
                    ? string.Create(CultureInfo.InvariantCulture, $"The receiver answered 410 Gone to event {sequence} on {now:u}: it asked for no more deliveries. Replay from {sequence} to start again.")
                    : string.Create(CultureInfo.InvariantCulture, $"Event {sequence} could not be delivered in {delivery.Attempts} attempts from {delivery.FirstAttemptAt:u} to {now:u}; the last error: {attempt.Error} Fix the receiver, then replay from {sequence}.");
                await db.WebhookEndpoints.Where(e => e.Id == endpoint.Id && e.LeaseOwner == InstanceId)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(e => e.Status, WebhookStatus.Disabled)
                        .SetProperty(e => e.DisabledReason, Truncate(reason, 1000))
                        .SetProperty(e => e.DisabledAt, now)
                        .SetProperty(e => e.LeaseOwner, (string?)null)
                        .SetProperty(e => e.LeaseExpiresAt, (DateTime?)null), ct).ConfigureAwait(false);
                await db.SaveChangesAsync(ct).ConfigureAwait(false);
                LogDisabled(endpoint.Id, sequence);
                return null;
            }

            var delay = schedule.DelayAfter(delivery.Attempts, Random.Shared.NextDouble());
            delivery.NextAttemptAt = now + delay;
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return delay;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<WebhookDelivery> TrackedDeliveryAsync(PartnerGraphDbContext db, long endpointId, long sequence, DateTime now, CancellationToken cancellationToken)
    {
        var delivery = await db.WebhookDeliveries.AsTracking().FirstOrDefaultAsync(d => d.EndpointId == endpointId && d.Sequence == sequence, cancellationToken).ConfigureAwait(false);
        if (delivery is null)
        {
            delivery = new WebhookDelivery { EndpointId = endpointId, Sequence = sequence, FirstAttemptAt = now };
            db.WebhookDeliveries.Add(delivery);
        }

        return delivery;
    }

    /// <summary>Runs the endpoint's document for the event through the pipeline, and POSTs the result signed.</summary>
    private async Task<Attempt> AttemptAsync(WebhookEndpoint endpoint, OutboxEvent next, CancellationToken cancellationToken)
    {
        if (endpoint.Url.StartsWith("http:", StringComparison.OrdinalIgnoreCase) && !guard.AllowsHttp)
        {
            return Attempt.Failed(null, $"{ErrorCodes.WebhookHttpsRequired}: plain http is allowed in Development only; register an https address.");
        }

        var variables = endpoint.Variables is null ? null : serializer.Deserialize<Inputs>(endpoint.Variables);
        var request = new GraphQLRequest(endpoint.Document, null, variables, null);
        var outcome = await pipeline.RunAsync(new OperationCall(TransportKind.None, new WebhookCredential(endpoint.Id, endpoint.OrganisationId), _ => ValueTask.FromResult(request))
        {
            Event = next.Change,
        }, cancellationToken).ConfigureAwait(false);
        if (outcome.Refusal is { } refusal)
        {
            return refusal.RetryAfter is { } after ? Attempt.Defer(after) : Attempt.Failed(null, $"{refusal.Code}: {refusal.Message}");
        }

        var result = outcome.Result!;
        if (result.Errors is { Count: > 0 } errors)
        {
            return outcome.Unavailable
                ? Attempt.Defer(OperationPipeline.UnavailableRetryAfter)
                : Attempt.Failed(null, "The document's result had errors: " + string.Join("; ", errors.Select(e => $"{e.Code ?? ErrorCodes.InternalError}: {e.Message}")));
        }

        if (result.Data is null)
        {
            return Attempt.Skip;
        }

        var data = JsonNode.Parse(serializer.Serialize(result))?["data"]?.DeepClone();
        var body = System.Text.Encoding.UTF8.GetBytes(new JsonObject
        {
            ["type"] = EventType,
            ["timestamp"] = next.OccurredAt.ToString("O", CultureInfo.InvariantCulture),
            ["sequence"] = next.Sequence,
            ["data"] = data,
        }.ToJsonString());
        return await PostAsync(endpoint, WebhookSignature.MessageId(next.Sequence), body, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Attempt> PostAsync(WebhookEndpoint endpoint, string messageId, byte[] body, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var signing = endpoint.PreviousSecret is { } previous && endpoint.PreviousSecretUntil > now.UtcDateTime
            ? new[] { secrets.Unprotect(endpoint.Secret), secrets.Unprotect(previous) }
            : [secrets.Unprotect(endpoint.Secret)];
        var timestamp = now.ToUnixTimeSeconds();
        using var message = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        message.Headers.Add("webhook-id", messageId);
        message.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        message.Headers.Add("webhook-signature", WebhookSignature.Header(signing, messageId, timestamp, body));
        message.Headers.UserAgent.ParseAdd("PartnerGraph-Webhooks/1");
        try
        {
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            await DrainAsync(response, cancellationToken).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            return code switch
            {
                >= 200 and < 300 => Attempt.Ok(code),
                410 => new Attempt(false, false, null, code, "The receiver answered 410 Gone.", Gone: true),
                >= 300 and < 400 => Attempt.Failed(code, $"The receiver answered {code}, a redirect, which deliveries do not follow: register the address it points to."),
                _ => Attempt.Failed(code, $"The receiver answered {code}."),
            };
        }
        catch (HttpRequestException e) when (e.InnerException is WebhookAddressRefusedException || e.InnerException?.InnerException is WebhookAddressRefusedException)
        {
            return Attempt.Failed(null, $"{ErrorCodes.WebhookAddressNotAllowed}: when connecting, the url's host resolved to an address webhooks may not reach.");
        }
        catch (HttpRequestException e)
        {
            return Attempt.Failed(null, $"Could not reach the receiver ({e.HttpRequestError}).");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Attempt.Failed(null, $"The receiver did not answer within {options.TimeoutSeconds} s.");
        }
    }

    /// <summary>Reads at most MaxResponseBytes of the answer, which is never kept: a receiver cannot make the server hold more.</summary>
    private async Task DrainAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new byte[8192];
        var left = options.MaxResponseBytes;
        int read;
        while (left > 0 && (read = await stream.ReadAsync(buffer.AsMemory(0, Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false)) > 0)
        {
            left -= read;
        }
    }

    private static string Truncate(string text, int length) => text.Length > length ? text[..length] : text;

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivering to webhook {Id}: lease taken")]
    private partial void LogLeaseTaken(long id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Id}: lease lost to another instance; stopping here")]
    private partial void LogLeaseLost(long id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Id} disabled: event {Sequence} failed for too long or the receiver is gone")]
    private partial void LogDisabled(long id, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look for webhooks to deliver ({Error}); trying again")]
    private partial void LogClaimFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Id}: a delivery step failed ({Error}); trying again")]
    private partial void LogStepFailed(long id, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook {Id}: could not release the lease ({Error})")]
    private partial void LogReleaseFailed(long id, string error);

    /// <summary>What came of one attempt: delivered, skipped (the document's arguments leave the event out), deferred (not an attempt), or failed.</summary>
    private sealed record Attempt(bool Delivered, bool Skipped, TimeSpan? Deferred, int? StatusCode, string? Error, bool Gone = false)
    {
        public static Attempt Skip { get; } = new(false, true, null, null, null);

        public static Attempt Ok(int code) => new(true, false, null, code, null);

        public static Attempt Defer(TimeSpan wait) => new(false, false, wait, null, null);

        public static Attempt Failed(int? code, string error) => new(false, false, null, code, Truncate(error, 1000));
    }
}
