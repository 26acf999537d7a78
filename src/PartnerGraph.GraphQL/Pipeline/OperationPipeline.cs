using System.Diagnostics;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerGraph.Data;
using PartnerGraph.GraphQL.Audit;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.TrustedDocuments;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Pipeline;

/// <summary>One operation to run: how it came, who presents it, and how its request is read once the caller may send one.</summary>
/// <param name="Transport">The transport it came by (None for an operation the server runs itself).</param>
/// <param name="Credential">What the caller is found from, again for this operation.</param>
/// <param name="ReadRequest">Reads (and may refuse) the request; called after the caller is admitted and has the rate.</param>
public sealed record OperationCall(TransportKind Transport, CallerCredential Credential, Func<CancellationToken, ValueTask<GraphQLRequest>> ReadRequest)
{
    /// <summary>The long-lived connection it runs on: a subscription needs one, and ends with it.</summary>
    public ClientConnection? Connection { get; init; }

    /// <summary>
    /// An event the server delivers itself (a webhook's): a subscription is run for this event alone, as a subscriber
    /// would receive it, and answered with its one result (or none, when the document's arguments leave it out).
    /// </summary>
    public object? Event { get; init; }

    /// <summary>A transport's own rule on operation types (GET runs queries only): a refusal, or null to let it run.</summary>
    public Func<OperationType, OperationRefusal?>? RefuseOperation { get; init; }
}

/// <summary>What came of an operation: refused before it ran, a result, or (a subscription) a stream of results.</summary>
public sealed class OperationOutcome
{
    private OperationOutcome(OperationRefusal? refusal, ExecutionResult? result, Subscriber? stream, bool unavailable)
    {
        Refusal = refusal;
        Result = result;
        Stream = stream;
        Unavailable = unavailable;
    }

    public OperationRefusal? Refusal { get; }

    /// <summary>The result of a query or mutation, or the errors of a request that did not run (parse, validation, limits).</summary>
    public ExecutionResult? Result { get; }

    /// <summary>A subscription's results, for the transport to read and then dispose.</summary>
    public Subscriber? Stream { get; }

    /// <summary>The database could not be reached while it ran: the errors say DATABASE_UNAVAILABLE, and the client should try again shortly.</summary>
    public bool Unavailable { get; }

    internal static OperationOutcome Refused(OperationRefusal refusal) => new(refusal, null, null, refusal.Code == ErrorCodes.DatabaseUnavailable);

    internal static OperationOutcome Answered(ExecutionResult result) =>
        new(null, result, null, result.Errors?.Any(e => e is UnhandledError { InnerException: var inner } && DatabaseAvailability.IsUnavailable(inner)) == true);

    internal static OperationOutcome Streaming(Subscriber stream) => new(null, null, stream, false);
}

/// <summary>
/// The one way an operation runs, whatever brings it (HTTP, Server-Sent Events, WebSocket, or the server itself): who is
/// asking, the client's rate, the request, the document, the limits, the request context, the run, and one access log
/// entry with its metrics. Transports only speak their protocol around it: they hand it a credential and a way to read
/// the request, and write what comes back. When a rule changes, it changes here.
/// </summary>
public sealed class OperationPipeline(
    CallerResolver callers,
    ClientRateLimiter rates,
    ClientSlots slots,
    TrustedDocumentStore trustedDocuments,
    DocumentCache documents,
    SchemaCatalogue schemas,
    QueryLimits limits,
    GraphQLRunner runner,
    SubscriptionFanOut fanOut,
    LiveConnections live,
    AccessLogWriter accessLog,
    IDbContextFactory<PartnerGraphDbContext> databases,
    TimeProvider clock)
{
    /// <summary>What a database away answers, before or during the run: try again in a few seconds.</summary>
    public static readonly TimeSpan UnavailableRetryAfter = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Opens a long-lived connection (a WebSocket at connection_init, an event stream): the caller admitted and one of
    /// its client's connection slots taken. A refusal is recorded like a refused operation.
    /// </summary>
    public async Task<(ClientConnection? Connection, OperationRefusal? Refusal)> ConnectAsync(CallerCredential credential, TransportKind transport, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var record = new OperationRecord(transport, clock);
        try
        {
            var caller = record.Caller = await AdmitAsync(credential, cancellationToken).ConfigureAwait(false);
            var slot = await slots.TryTakeAsync(SlotKind.Connection, ClientKey.Of(caller)).ConfigureAwait(false)
                ?? throw new OperationRefusedException(new OperationRefusal(429, ErrorCodes.TooManyConnections, $"This client has {slots.Cap(SlotKind.Connection)} connections open (WebSockets and event streams), as many as it may; close one first.")
                {
                    Details = new Dictionary<string, object?> { ["limit"] = slots.Cap(SlotKind.Connection), ["value"] = slots.Cap(SlotKind.Connection) + 1 },
                });
            return (live.Open(credential, transport, caller, slot), null);
        }
        catch (Exception e) when (Refusal(e) is { } refusal)
        {
            await RecordAsync(record, Describe(record, refusal)).ConfigureAwait(false);
            return (null, refusal);
        }
    }

    /// <summary>Runs one operation through every step; the outcome is on record (access log and metrics) when it returns.</summary>
    public async Task<OperationOutcome> RunAsync(OperationCall call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var record = new OperationRecord(call.Transport, clock);
        try
        {
            // Who is asking, as things stand now: a connection's caller is checked again for each operation.
            var caller = record.Caller = await AdmitAsync(call.Connection?.Credential ?? call.Credential, cancellationToken).ConfigureAwait(false);

            // The client's rate, before anything of the request is read.
            if (await rates.TryTakeAsync(ClientKey.Of(caller)).ConfigureAwait(false) is { } wait)
            {
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                throw new OperationRefusedException(new OperationRefusal(429, ErrorCodes.RateLimited, $"This client sent too many requests; try again in {seconds} s.") { RetryAfter = TimeSpan.FromSeconds(seconds), Details = new Dictionary<string, object?> { ["retryAfter"] = seconds } });
            }

            // The request, and its document: the text sent, or a trusted document by its id.
            var request = record.Request = await call.ReadRequest(cancellationToken).ConfigureAwait(false);
            request = record.Request = await trustedDocuments.ResolveAsync(request, caller, cancellationToken).ConfigureAwait(false);
            var document = record.Document = documents.Parse(request.Query);
            var operation = document is null ? null : SelectedOperation.Of(document, request.OperationName)?.Operation;
            if (operation is { } type && call.RefuseOperation?.Invoke(type) is { } refusedByTransport)
            {
                throw new OperationRefusedException(refusedByTransport);
            }

            // The limits, measured before the executer's own rules walk a hostile document.
            var schema = schemas.For(caller.Scopes);
            if (document is not null && MeasureLimits(schema, document, request) is { } tooMuch)
            {
                return await AnsweredAsync(record, new ExecutionResult { Errors = [tooMuch] }).ConfigureAwait(false);
            }

            // Every value and name the request sends passes the personal-data guard before anything runs (or quotes it).
            if (PersonalDataInRequest.Find(document, request.Variables) is { Count: > 0 } personalData)
            {
                return await AnsweredAsync(record, new ExecutionResult { Errors = [.. personalData] }).ConfigureAwait(false);
            }

            // The request context, and the run.
            var context = record.Context = new RequestContext(caller, databases, clock, ct => rates.TakeAsync(ClientKey.Of(caller), clock, ct)) { Event = call.Event };
            if (operation == OperationType.Subscription && call.Connection is { } connection)
            {
                return await SubscribeAsync(record, connection, schema, context, request, document!, cancellationToken).ConfigureAwait(false);
            }

            if (operation == OperationType.Subscription && call.Event is not null)
            {
                return await AnsweredAsync(record, await RunForEventAsync(schema, context, request, document, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            }

            var result = await runner.ExecuteAsync(schema, context, request, document, cancellationToken).ConfigureAwait(false);
            return await AnsweredAsync(record, result.Streams is null ? result : SubscriptionRequiresStream()).ConfigureAwait(false);
        }
        catch (Exception e) when (!record.Recorded && Refusal(e) is { } refusal)
        {
            if (refusal.RefusesCaller)
            {
                call.Connection?.Revoke(refusal);
            }

            await RecordAsync(record, Describe(record, refusal)).ConfigureAwait(false);
            return OperationOutcome.Refused(refusal);
        }
        catch (Exception) when (!record.Recorded)
        {
            // Whatever went wrong (a client gone, a bug), the attempt is on record before the error goes on.
            await RecordAsync(record, AccessRecord.Failed(ErrorCodes.InternalError, record.Document, record.Request?.OperationName, record.QueryText)).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<Caller> AdmitAsync(CallerCredential credential, CancellationToken cancellationToken)
    {
        var resolution = await credential.ResolveAsync(callers, fresh: false, cancellationToken).ConfigureAwait(false);
        return resolution.Caller ?? throw new OperationRefusedException(Refusals.Of(resolution));
    }

    private ValidationError? MeasureLimits(ISchema schema, GraphQLDocument document, GraphQLRequest request)
    {
        using var measuring = PartnerGraphTelemetry.Source.StartActivity("graphql.limits");
        var tooMuch = limits.FindLimitPassed(schema, document, request.OperationName, request.Variables);
        measuring?.SetTag("error.code", tooMuch?.Code);
        return tooMuch;
    }

    private async Task<OperationOutcome> SubscribeAsync(OperationRecord record, ClientConnection connection, ISchema schema, RequestContext context, GraphQLRequest request, GraphQLDocument document, CancellationToken cancellationToken)
    {
        var slot = await slots.TryTakeAsync(SlotKind.Subscription, ClientKey.Of(context.Caller)).ConfigureAwait(false)
            ?? throw new OperationRefusedException(new OperationRefusal(429, ErrorCodes.TooManySubscriptions, $"This client has {slots.Cap(SlotKind.Subscription)} subscriptions running, as many as it may; complete one first.")
            {
                Details = new Dictionary<string, object?> { ["limit"] = slots.Cap(SlotKind.Subscription), ["value"] = slots.Cap(SlotKind.Subscription) + 1 },
            });
        try
        {
            // A place in a running execution of the same subscription when one may be shared, else a new one; a request
            // that fails before a stream exists (validation, a refused argument) gives its result instead.
            var stream = fanOut.TryJoin(context, request, document);
            if (stream is null)
            {
                var result = await runner.ExecuteAsync(schema, context, request, document, cancellationToken).ConfigureAwait(false);
                if (result.Streams is not { Count: > 0 } streams)
                {
                    await slot.DisposeAsync().ConfigureAwait(false);
                    return await AnsweredAsync(record, result).ConfigureAwait(false);
                }

                stream = fanOut.Start(context, request, document, streams.Values.Single());
            }

            stream.Hold(slot);
            connection.Track(request, document, stream);
            await RecordAsync(record, Describe(record, new ExecutionResult { Executed = true })).ConfigureAwait(false);
            return OperationOutcome.Streaming(stream);
        }
        catch
        {
            await slot.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A subscription run for the one event its context carries: the result of that event, or one with no data when the stream ends without it.</summary>
    private async Task<ExecutionResult> RunForEventAsync(ISchema schema, RequestContext context, GraphQLRequest request, GraphQLDocument? document, CancellationToken cancellationToken)
    {
        var result = await runner.ExecuteAsync(schema, context, request, document, cancellationToken).ConfigureAwait(false);
        if (result.Streams is not { Count: > 0 } streams)
        {
            return result;
        }

        var first = new FirstResult();
        using (streams.Values.Single().Subscribe(first))
        {
            return await first.Task.WaitAsync(runner.ExecutionTimeout, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<OperationOutcome> AnsweredAsync(OperationRecord record, ExecutionResult result)
    {
        await RecordAsync(record, Describe(record, result)).ConfigureAwait(false);
        return OperationOutcome.Answered(result);
    }

    /// <summary>A refusal on record: the database away is the server's failure, anything else the request's refusal.</summary>
    private static AccessRecord Describe(OperationRecord record, OperationRefusal refusal) => refusal.Code == ErrorCodes.DatabaseUnavailable
        ? AccessRecord.Failed(refusal.Code, record.Document, record.Request?.OperationName, record.QueryText)
        : AccessRecord.Refused(refusal.Code, record.Document, record.Request?.OperationName, record.QueryText);

    private static AccessRecord Describe(OperationRecord record, ExecutionResult result) =>
        AccessRecord.Describe(record.Document, record.Request?.OperationName, record.Request?.Query, result, record.Request?.Variables);

    /// <summary>The record step: one access log entry, with what the request context accumulated, and the same facts as metrics.</summary>
    private async Task RecordAsync(OperationRecord record, AccessRecord what)
    {
        record.Recorded = true;
        var elapsed = Stopwatch.GetElapsedTime(record.Started);
        PartnerGraphTelemetry.RecordRequest(what.Outcome.ToString().ToUpperInvariant(), what.ErrorCodes?.Split(' ')[0], what.OperationType, record.Transport, elapsed);
        await accessLog.WriteAsync(what.ToEntry(record.Caller, record.At, elapsed, record.Context?.Disclosure), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The refusal an exception stands for: a step's refusal, or the database away (503); null for anything else.</summary>
    private static OperationRefusal? Refusal(Exception e) => e switch
    {
        OperationRefusedException refused => refused.Refusal,
        _ when DatabaseAvailability.IsUnavailable(e) => new OperationRefusal(503, ErrorCodes.DatabaseUnavailable, PartnerGraphErrorInfoProvider.DatabaseUnavailableMessage) { RetryAfter = UnavailableRetryAfter },
        _ => null,
    };

    private static ExecutionResult SubscriptionRequiresStream() => new()
    {
        Errors = [new ExecutionError("A subscription needs a stream: open a WebSocket (graphql-transport-ws) at /graphql, or POST with Accept: text/event-stream (graphql-sse).") { Code = ErrorCodes.SubscriptionRequiresStream }],
    };

    /// <summary>The first result of a stream, or an empty result (executed, no data) when it completes without one.</summary>
    private sealed class FirstResult : IObserver<ExecutionResult>
    {
        private readonly TaskCompletionSource<ExecutionResult> first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<ExecutionResult> Task => first.Task;

        public void OnNext(ExecutionResult value) => first.TrySetResult(value);

        public void OnError(Exception error) => first.TrySetException(error);

        public void OnCompleted() => first.TrySetResult(new ExecutionResult { Executed = true });
    }

    /// <summary>What is known of an operation as it goes through the steps, for its one access log entry.</summary>
    private sealed class OperationRecord(TransportKind transport, TimeProvider clock)
    {
        public TransportKind Transport { get; } = transport;

        public long Started { get; } = Stopwatch.GetTimestamp();

        public DateTime At { get; } = clock.GetUtcNow().UtcDateTime;

        public Caller? Caller { get; set; }

        public GraphQLRequest? Request { get; set; }

        public GraphQLDocument? Document { get; set; }

        public RequestContext? Context { get; set; }

        public bool Recorded { get; set; }

        /// <summary>The document text, when there is one: a request by id that was refused has none.</summary>
        public string? QueryText => string.IsNullOrEmpty(Request?.Query) ? null : Request.Query;
    }
}
