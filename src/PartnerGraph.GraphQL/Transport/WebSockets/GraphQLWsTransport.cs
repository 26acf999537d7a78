using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using GraphQL;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerGraph.Data;
using PartnerGraph.GraphQL.Audit;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Transport.Http;
using PartnerGraph.Identity;
using static PartnerGraph.GraphQL.Transport.WebSockets.GraphQLWsProtocol;

namespace PartnerGraph.GraphQL.Transport.WebSockets;

/// <summary>
/// GraphQL over WebSocket with the graphql-transport-ws protocol: the token comes in connection_init, operations run
/// through the same runner as HTTP, and the socket closes with the protocol's codes when a client breaks its rules.
/// </summary>
public sealed class GraphQLWsTransport(
    GraphQLRunner runner,
    CallerResolver callers,
    CallerWatch watch,
    GraphQLRequestReader reader,
    TrustedDocuments.TrustedDocumentStore trustedDocuments,
    IGraphQLTextSerializer serializer,
    AccessLogWriter accessLog,
    IDbContextFactory<PartnerGraphDbContext> databases,
    TimeProvider clock,
    IOptions<GraphQLWsOptions> options)
{
    private readonly GraphQLRunner runner = runner;
    private readonly CallerResolver callers = callers;
    private readonly CallerWatch watch = watch;
    private readonly GraphQLRequestReader reader = reader;
    private readonly TrustedDocuments.TrustedDocumentStore trustedDocuments = trustedDocuments;
    private readonly IGraphQLTextSerializer serializer = serializer;
    private readonly AccessLogWriter accessLog = accessLog;
    private readonly IDbContextFactory<PartnerGraphDbContext> databases = databases;
    private readonly TimeProvider clock = clock;
    private readonly IOptions<GraphQLWsOptions> options = options;

    public static bool IsRequested(HttpContext http) => http.WebSockets.IsWebSocketRequest;

    public async Task HandleAsync(HttpContext http)
    {
        var asked = http.WebSockets.WebSocketRequestedProtocols;
        using var socket = await http.WebSockets.AcceptWebSocketAsync(asked.Contains(SubProtocol) ? SubProtocol : null);
        var connection = new Connection(this, socket, http);
        if (!asked.Contains(SubProtocol))
        {
            await connection.CloseAsync(CloseCode.SubprotocolNotAcceptable, "Subprotocol not acceptable: use graphql-transport-ws");
            return;
        }

        await connection.RunAsync();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Operations and timers may still finish after the loop ends; the semaphore never allocates a wait handle and the token source is cancelled, which frees its registrations.")]
    private sealed class Connection(GraphQLWsTransport transport, WebSocket socket, HttpContext http)
    {
        private readonly GraphQLWsOptions options = transport.options.Value;
        private readonly CancellationTokenSource lifetime = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        private readonly SemaphoreSlim sending = new(1, 1);
        private readonly ConcurrentDictionary<string, CancellationTokenSource> operations = new(StringComparer.Ordinal);
        private int initialised;
        private int closed;
        private Caller? caller;
        private string? token;

        public async Task RunAsync()
        {
            _ = CloseUnlessInitialisedAsync();
            try
            {
                while (!lifetime.IsCancellationRequested)
                {
                    var message = await ReceiveAsync();
                    if (message is null)
                    {
                        break;
                    }

                    await HandleAsync(message.Value);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                // the client went away, or we closed the socket
            }
            finally
            {
                await lifetime.CancelAsync();
                foreach (var operation in operations.Values)
                {
                    await operation.CancelAsync();
                }
            }
        }

        /// <summary>One whole text message, or null when the client closed the socket.</summary>
        private async Task<ReadOnlyMemory<byte>?> ReceiveAsync()
        {
            var buffer = new ArrayBufferWriter<byte>(4096);
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.GetMemory(4096), lifetime.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await CloseAsync(socket.CloseStatus is { } status ? (int)status : 1000, "");
                    return null;
                }

                buffer.Advance(result.Count);
                if (buffer.WrittenCount > options.MaxMessageBytes)
                {
                    await CloseAsync(CloseCode.MessageTooBig, $"Message too big: at most {options.MaxMessageBytes} bytes");
                    return null;
                }

                if (result.MessageType == WebSocketMessageType.Binary)
                {
                    await CloseAsync(CloseCode.BadRequest, "Invalid message: send JSON text messages");
                    return null;
                }

                if (result.EndOfMessage)
                {
                    return buffer.WrittenMemory;
                }
            }
        }

        private async Task HandleAsync(ReadOnlyMemory<byte> message)
        {
            Message parsed;
            try
            {
                parsed = Message.Parse(message);
            }
            catch (JsonException)
            {
                await CloseAsync(CloseCode.BadRequest, "Invalid message: not a JSON object with a type");
                return;
            }

            switch (parsed.Type)
            {
                case MessageType.ConnectionInit:
                    await InitialiseAsync(parsed);
                    break;
                case MessageType.Ping:
                    await SendAsync(MessageType.Pong, null, null);
                    break;
                case MessageType.Pong:
                    break;
                case MessageType.Subscribe when Volatile.Read(ref initialised) != 2:
                    await CloseAsync(CloseCode.Unauthorized, "Unauthorized: send connection_init and wait for connection_ack");
                    break;
                case MessageType.Subscribe:
                    await SubscribeAsync(parsed);
                    break;
                case MessageType.Complete when parsed.Id is { } id:
                    if (operations.TryRemove(id, out var operation))
                    {
                        await operation.CancelAsync();
                    }

                    break;
                default:
                    await CloseAsync(CloseCode.BadRequest, "Invalid message: unknown type");
                    break;
            }
        }

        private async Task InitialiseAsync(Message message)
        {
            if (Interlocked.CompareExchange(ref initialised, 1, 0) != 0)
            {
                await CloseAsync(CloseCode.TooManyInitialisationRequests, "Too many initialisation requests");
                return;
            }

            token = CallerResolver.BearerToken(message.Authorization);
            CallerResolution resolution;
            try
            {
                resolution = await transport.callers.ResolveAsync(token, lifetime.Token);
            }
            catch (Exception e) when (DatabaseAvailability.IsUnavailable(e))
            {
                // The caller cannot be checked just now: 1013 (try again later), which clients retry, not 4403.
                await CloseAsync(CloseCode.TryAgainLater, $"Try again later: {ErrorCodes.DatabaseUnavailable}");
                return;
            }

            if (resolution.Caller is null)
            {
                await CloseAsync(CloseCode.Forbidden, $"Forbidden: {resolution.ErrorCode}");
                return;
            }

            caller = resolution.Caller;
            Volatile.Write(ref initialised, 2);
            await SendAsync(MessageType.ConnectionAck, null, null);
            _ = KeepAliveAsync();
            _ = CloseWhenRefusedAsync();
        }

        private async Task SubscribeAsync(Message message)
        {
            if (message.Id is not { Length: > 0 } id || message.Payload is not { } payload)
            {
                await CloseAsync(CloseCode.BadRequest, "Invalid message: subscribe needs an id and a payload");
                return;
            }

            GraphQLRequest request;
            try
            {
                request = transport.reader.Read(payload);
            }
            catch (BadGraphQLRequestException bad)
            {
                await CloseAsync(CloseCode.BadRequest, $"Invalid message: {bad.Message}");
                return;
            }

            if (operations.Count >= options.MaxOperations)
            {
                await CloseAsync(CloseCode.BadRequest, $"Too many operations: at most {options.MaxOperations} at once");
                return;
            }

            var cancel = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token);
            if (!operations.TryAdd(id, cancel))
            {
                cancel.Dispose();
                await CloseAsync(CloseCode.SubscriberAlreadyExists, "Subscriber for this id already exists");
                return;
            }

            _ = RunOperationAsync(id, request, cancel);
        }

        private async Task RunOperationAsync(string id, GraphQLRequest request, CancellationTokenSource cancel)
        {
            var started = Stopwatch.GetTimestamp();
            var at = transport.clock.GetUtcNow().UtcDateTime;
            var context = new RequestContext(caller!, transport.databases, transport.clock);
            try
            {
                try
                {
                    request = await transport.trustedDocuments.ResolveAsync(request, caller!, cancel.Token);
                }
                catch (BadGraphQLRequestException refused)
                {
                    // Not this client's document, or free text from a client that may run registered documents only.
                    await transport.accessLog.WriteAsync(AccessRecord.Refused(refused.Code).ToEntry(caller, at, Stopwatch.GetElapsedTime(started)), CancellationToken.None);
                    await SendAsync(MessageType.Error, id, Encoding.UTF8.GetBytes(transport.serializer.Serialize(new[] { new ExecutionError(refused.Message) { Code = refused.Code } })));
                    return;
                }

                var outcome = await transport.runner.RunAsync(context, request, http.RequestServices, cancel.Token);
                var record = AccessRecord.Describe(outcome.Document, request.OperationName, request.Query, outcome.Result, request.Variables);
                await transport.accessLog.WriteAsync(record.ToEntry(caller, at, Stopwatch.GetElapsedTime(started)), CancellationToken.None);
                if (outcome.Stream is null)
                {
                    var result = outcome.Result!;
                    if (result.Executed)
                    {
                        await SendAsync(MessageType.Next, id, Encoding.UTF8.GetBytes(transport.serializer.Serialize(result)));
                        await SendAsync(MessageType.Complete, id, null);
                    }
                    else
                    {
                        // Errors before execution (parse, validation, refusal to subscribe) end the operation: no complete follows.
                        await SendAsync(MessageType.Error, id, Encoding.UTF8.GetBytes(transport.serializer.Serialize(result.Errors)));
                    }

                    return;
                }

                using var stream = outcome.Stream;
                var nextHead = Head(MessageType.Next, id, withPayload: true);
                try
                {
                    var results = stream.Results;
                    var pacer = new SendPacer(TimeSpan.FromMilliseconds(options.SendIntervalMilliseconds), transport.clock);
                    while (await results.WaitToReadAsync(cancel.Token))
                    {
                        await pacer.WaitTurnAsync(cancel.Token);

                        // Written back to back, they leave together: the connection sends what its output pipe holds when it gets to it.
                        while (results.TryRead(out var next))
                        {
                            await SendAsync(nextHead, next);
                        }
                    }
                }
                catch (SubscriberTooSlowException)
                {
                    await CloseAsync(CloseCode.TryAgainLater, "Subscriber too slow: reconnect and resume with after");
                    return;
                }

                await SendAsync(MessageType.Complete, id, null);
            }
            catch (Exception e) when (DatabaseAvailability.IsUnavailable(e))
            {
                // Before execution (a registered document, the shared stream): the same code as a resolver's.
                await transport.accessLog.WriteAsync(AccessRecord.Failed(ErrorCodes.DatabaseUnavailable).ToEntry(caller, at, Stopwatch.GetElapsedTime(started)), CancellationToken.None);
                await SendAsync(MessageType.Error, id, Encoding.UTF8.GetBytes(transport.serializer.Serialize(new[] { new ExecutionError(PartnerGraphErrorInfoProvider.DatabaseUnavailableMessage) { Code = ErrorCodes.DatabaseUnavailable } })));
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                // completed by the client, or the connection closed
            }
            catch (WebSocketException)
            {
                // the client went away
            }
            finally
            {
                operations.TryRemove(new KeyValuePair<string, CancellationTokenSource>(id, cancel));
                cancel.Dispose();
            }
        }

        private async Task CloseUnlessInitialisedAsync()
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(options.ConnectionInitTimeoutSeconds), transport.clock, lifetime.Token);
                if (Volatile.Read(ref initialised) == 0)
                {
                    await CloseAsync(CloseCode.ConnectionInitialisationTimeout, "Connection initialisation timeout");
                }
            }
            catch (OperationCanceledException)
            {
                // the connection ended first
            }
        }

        private async Task KeepAliveAsync()
        {
            if (options.KeepAliveSeconds <= 0)
            {
                return;
            }

            try
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.KeepAliveSeconds), transport.clock);
                while (await timer.WaitForNextTickAsync(lifetime.Token))
                {
                    await SendAsync(MessageType.Ping, null, null);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                // the connection ended
            }
        }

        private async Task CloseWhenRefusedAsync()
        {
            try
            {
                var refusal = await transport.watch.UntilRefusedAsync(token!, caller!, TimeSpan.FromSeconds(options.AuthorizationCheckSeconds), lifetime.Token);
                await CloseAsync(CloseCode.Forbidden, $"Forbidden: {refusal.ErrorCode}");
            }
            catch (OperationCanceledException)
            {
                // the connection ended first
            }
        }

        private Task SendAsync(string type, string? id, ReadOnlyMemory<byte>? payload) => SendAsync(Head(type, id, payload is not null), payload);

        /// <summary>
        /// Sends a message whose JSON is HEAD, then the payload if any, then the closing brace. A subscription makes the head
        /// of its "next" messages once, so that each event costs this connection a copy into a pooled buffer and no more.
        /// </summary>
        private async Task SendAsync(byte[] head, ReadOnlyMemory<byte>? payload)
        {
            var length = head.Length + (payload?.Length ?? 0) + 1;
            var message = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                head.CopyTo(message, 0);
                payload?.Span.CopyTo(message.AsSpan(head.Length));
                message[length - 1] = (byte)'}';
                await sending.WaitAsync(lifetime.Token);
                try
                {
                    await socket.SendAsync(message.AsMemory(0, length), WebSocketMessageType.Text, true, lifetime.Token);
                }
                finally
                {
                    sending.Release();
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(message);
            }
        }

        /// <summary>A message's JSON up to its payload, <c>{"id":"…","type":"…","payload":</c>, or up to its closing brace when it has none.</summary>
        private static byte[] Head(string type, string? id, bool withPayload)
        {
            var head = new ArrayBufferWriter<byte>(64);
            using (var json = new Utf8JsonWriter(head))
            {
                json.WriteStartObject();
                if (id is not null)
                {
                    json.WriteString("id", id);
                }

                json.WriteString("type", type);
                if (withPayload)
                {
                    json.WritePropertyName("payload");
                }
            }

            return head.WrittenSpan.ToArray();
        }

        public async Task CloseAsync(int code, string reason)
        {
            if (Interlocked.Exchange(ref closed, 1) != 0)
            {
                return;
            }

            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await sending.WaitAsync(timeout.Token);
                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason.Length > 120 ? reason[..120] : reason, timeout.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
                // the socket is gone already
            }
            finally
            {
                await lifetime.CancelAsync();
            }
        }
    }

    /// <summary>A client message as the protocol defines it: a type, and for some an id and a payload.</summary>
    private readonly record struct Message(string Type, string? Id, JsonElement? Payload, string? Authorization)
    {
        public static Message Parse(ReadOnlyMemory<byte> bytes)
        {
            using var json = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw new JsonException("no type");
            }

            string? id = null;
            if (root.TryGetProperty("id", out var idElement))
            {
                id = idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : throw new JsonException("id is not a string");
            }

            JsonElement? payload = root.TryGetProperty("payload", out var payloadElement) && payloadElement.ValueKind != JsonValueKind.Null ? payloadElement.Clone() : null;
            string? authorization = null;
            if (payload is { ValueKind: JsonValueKind.Object } init)
            {
                foreach (var property in init.EnumerateObject())
                {
                    if (property.NameEquals("authorization") || property.NameEquals("Authorization"))
                    {
                        authorization = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                    }
                }
            }

            return new Message(type.GetString()!, id, payload, authorization);
        }
    }
}
