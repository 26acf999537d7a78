using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using GraphQL;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Pipeline;
using PartnerGraph.GraphQL.Transport.Http;
using static PartnerGraph.GraphQL.Transport.WebSockets.GraphQLWsProtocol;

namespace PartnerGraph.GraphQL.Transport.WebSockets;

/// <summary>
/// GraphQL over WebSocket with the graphql-transport-ws protocol: the token comes in connection_init, which opens one
/// of the client's connections; each subscribe message runs through the operation pipeline like any HTTP request; the
/// socket closes with the protocol's codes when a client breaks its rules, and with 4403 when its caller is revoked.
/// </summary>
public sealed class GraphQLWsTransport(
    OperationPipeline pipeline,
    GraphQLRequestReader reader,
    IGraphQLTextSerializer serializer,
    TimeProvider clock,
    IOptions<GraphQLWsOptions> options)
{
    private readonly OperationPipeline pipeline = pipeline;
    private readonly GraphQLRequestReader reader = reader;
    private readonly IGraphQLTextSerializer serializer = serializer;
    private readonly TimeProvider clock = clock;
    private readonly IOptions<GraphQLWsOptions> options = options;

    /// <summary>How long the client has to answer the server's close frame (and a send in progress to finish before it).</summary>
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(5);

    public static bool IsRequested(HttpContext http) => http.WebSockets.IsWebSocketRequest;

    public async Task HandleAsync(HttpContext http)
    {
        var asked = http.WebSockets.WebSocketRequestedProtocols;
        using var socket = await http.WebSockets.AcceptWebSocketAsync(asked.Contains(SubProtocol) ? SubProtocol : null);
        var connection = new Connection(this, socket, http);
        if (!asked.Contains(SubProtocol))
        {
            await connection.CloseAsync(CloseCode.SubprotocolNotAcceptable, "Subprotocol not acceptable: use graphql-transport-ws");
        }

        await connection.RunAsync();
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Operations and timers may still finish after the loop ends; the semaphore never allocates a wait handle and the token source is cancelled, which frees its registrations.")]
    private sealed class Connection(GraphQLWsTransport transport, WebSocket socket, HttpContext http)
    {
        private readonly GraphQLWsOptions options = transport.options.Value;
        private readonly CancellationTokenSource lifetime = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);

        // Ends the reading loop only when the client is gone or has not answered our close frame in time.
        private readonly CancellationTokenSource handshake = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        private readonly SemaphoreSlim sending = new(1, 1);
        private readonly ConcurrentDictionary<string, CancellationTokenSource> operations = new(StringComparer.Ordinal);
        private int initialised;
        private int closed;
        private ClientConnection? client;

        public async Task RunAsync()
        {
            _ = CloseUnlessInitialisedAsync();
            try
            {
                while (await ReceiveAsync() is { } message)
                {
                    await HandleAsync(message);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                // the client went away, or did not answer our close in time
            }
            finally
            {
                await lifetime.CancelAsync();
                foreach (var operation in operations.Values)
                {
                    await operation.CancelAsync();
                }

                if (client is not null)
                {
                    await client.DisposeAsync();
                }
            }
        }

        /// <summary>
        /// One whole text message, or null once the close handshake is over. After the server has sent its close frame
        /// the loop goes on reading, and drops what comes, until the client's close frame: the request then ends
        /// normally and the connection is shut down after the close frame has left. A pending receive is never
        /// cancelled to close the socket, since that aborts the connection, and the close frame still queued is lost.
        /// </summary>
        private async Task<ReadOnlyMemory<byte>?> ReceiveAsync()
        {
            var buffer = new ArrayBufferWriter<byte>(4096);
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.GetMemory(4096), handshake.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    // The client closes first: answer with its code. Or it answers ours: the handshake is over.
                    await CloseAsync(socket.CloseStatus is { } status ? (int)status : 1000, "");
                    return null;
                }

                if (Volatile.Read(ref closed) != 0)
                {
                    buffer.Clear();
                    continue;
                }

                buffer.Advance(result.Count);
                if (buffer.WrittenCount > options.MaxMessageBytes)
                {
                    await CloseAsync(CloseCode.MessageTooBig, $"Message too big: at most {options.MaxMessageBytes} bytes");
                    buffer.Clear();
                }
                else if (result.MessageType == WebSocketMessageType.Binary)
                {
                    await CloseAsync(CloseCode.BadRequest, "Invalid message: send JSON text messages");
                    buffer.Clear();
                }
                else if (result.EndOfMessage)
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

            var (opened, refusal) = await transport.pipeline.ConnectAsync(BearerCredential.FromAuthorization(message.Authorization), TransportKind.WebSocket, lifetime.Token);
            if (opened is null)
            {
                await CloseAsync(refusal!);
                return;
            }

            client = opened;
            Volatile.Write(ref initialised, 2);
            await SendAsync(MessageType.ConnectionAck, null, null);
            _ = KeepAliveAsync();
            _ = CloseWhenRevokedAsync(opened);
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
            catch (OperationRefusedException bad)
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
            try
            {
                var outcome = await transport.pipeline.RunAsync(
                    new OperationCall(TransportKind.WebSocket, client!.Credential, _ => ValueTask.FromResult(request)) { Connection = client },
                    cancel.Token);
                if (outcome.Refusal is { } refusal)
                {
                    // A caller no longer admitted closes the socket (the connection is revoked); any other refusal ends this operation.
                    if (!refusal.RefusesCaller)
                    {
                        await SendErrorAsync(id, refusal);
                    }
                }
                else if (outcome.Stream is { } stream)
                {
                    await using (stream)
                    {
                        await StreamAsync(id, stream, cancel.Token);
                    }
                }
                else if (outcome.Result!.Executed)
                {
                    await SendAsync(MessageType.Next, id, Encoding.UTF8.GetBytes(transport.serializer.Serialize(outcome.Result)));
                    await SendAsync(MessageType.Complete, id, null);
                }
                else
                {
                    // Errors before execution (parse, validation, limits, refusal to subscribe) end the operation: no complete follows.
                    await SendAsync(MessageType.Error, id, Encoding.UTF8.GetBytes(transport.serializer.Serialize(outcome.Result.Errors)));
                }
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

        private async Task StreamAsync(string id, Subscriber stream, CancellationToken cancellationToken)
        {
            var nextHead = Head(MessageType.Next, id, withPayload: true);
            try
            {
                var results = stream.Results;
                var pacer = new SendPacer(TimeSpan.FromMilliseconds(options.SendIntervalMilliseconds), transport.clock);
                while (await results.WaitToReadAsync(cancellationToken))
                {
                    await pacer.WaitTurnAsync(cancellationToken);

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
            catch (OperationRevokedException revoked)
            {
                // The client's rules changed (trusted documents only, a scope taken away): this subscription ends with why.
                await SendErrorAsync(id, revoked.Refusal);
                return;
            }

            await SendAsync(MessageType.Complete, id, null);
        }

        private Task SendErrorAsync(string id, OperationRefusal refusal) =>
            SendAsync(MessageType.Error, id, Encoding.UTF8.GetBytes(transport.serializer.Serialize(new[] { refusal.ToError() })));

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

        private async Task CloseWhenRevokedAsync(ClientConnection connection)
        {
            try
            {
                await CloseAsync(await connection.Revoked.WaitAsync(lifetime.Token));
            }
            catch (OperationCanceledException)
            {
                // the connection ended first
            }
        }

        /// <summary>Closes with the code the protocol gives a refused connection: 1013 to try again later, 1008 over the client's cap, 4403 otherwise.</summary>
        private Task CloseAsync(OperationRefusal refusal) => refusal.Code switch
        {
            ErrorCodes.DatabaseUnavailable => CloseAsync(CloseCode.TryAgainLater, $"Try again later: {refusal.Code}"),
            ErrorCodes.TooManyConnections => CloseAsync(CloseCode.PolicyViolation, $"Too many connections: {refusal.Code}"),
            _ => CloseAsync(CloseCode.Forbidden, $"Forbidden: {refusal.Code}"),
        };

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
                    // Not the lifetime's token: a send cancelled half way aborts the socket, and the close frame behind it is lost.
                    await socket.SendAsync(message.AsMemory(0, length), WebSocketMessageType.Text, true, handshake.Token);
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

        /// <summary>
        /// Sends the close frame once (answering the client's, or starting the handshake) and ends every operation; the
        /// reading loop waits for the client's answer at most CloseHandshakeTimeout, then drops the connection.
        /// </summary>
        public async Task CloseAsync(int code, string reason)
        {
            if (Interlocked.Exchange(ref closed, 1) != 0)
            {
                return;
            }

            await lifetime.CancelAsync();
            handshake.CancelAfter(CloseHandshakeTimeout);
            try
            {
                using var timeout = new CancellationTokenSource(CloseHandshakeTimeout);
                await sending.WaitAsync(timeout.Token);
                if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason.Length > 120 ? reason[..120] : reason, timeout.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
                // the socket is gone already, or a send to a client that reads nothing held it too long
                socket.Abort();
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
