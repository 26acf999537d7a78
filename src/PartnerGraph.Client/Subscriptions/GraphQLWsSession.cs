using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PartnerGraph.Client.Subscriptions;

/// <summary>Why a session ended and how to go on: the token to replace (4403 for an expired or revoked token), and the least wait the server asked for.</summary>
internal sealed record Disconnect(string Why, string? RejectedToken = null, TimeSpan? AtLeast = null);

/// <summary>A session that ended before or while it ran, in a way another attempt may mend.</summary>
internal sealed class SessionLostException(Disconnect disconnect) : Exception(disconnect.Why)
{
    public Disconnect Disconnect { get; } = disconnect;
}

/// <summary>
/// One socket of the graphql-transport-ws protocol (graphql-ws's PROTOCOL.md) carrying one subscription: connection_init
/// with the token, connection_ack, subscribe, then next messages until the socket or the operation ends. Pings are
/// answered with pongs. Close codes and error messages are sorted into "try again" (a Disconnect) and "stop" (thrown).
/// </summary>
internal sealed class GraphQLWsSession<T> : IAsyncDisposable
{
    public const string SubProtocol = "graphql-transport-ws";
    private const string OperationId = "1";
    private const int MaxMessageBytes = 16 * 1024 * 1024;

    /// <summary>Error codes of a refused or ended operation that another attempt, after a wait, may get past.</summary>
    private static readonly HashSet<string> Retryable = new(StringComparer.Ordinal)
    {
        "RATE_LIMITED", "DATABASE_UNAVAILABLE", "TOO_MANY_SUBSCRIPTIONS", "TOO_MANY_CONNECTIONS", "TIMEOUT", "INTERNAL_ERROR",
    };

    private readonly ClientWebSocket socket;
    private readonly ResumableSubscription<T> subscription;
    private readonly PartnerGraphClientOptions options;
    private readonly string token;
    private readonly ArrayBufferWriter<byte> buffer = new(4096);

    private GraphQLWsSession(ClientWebSocket socket, ResumableSubscription<T> subscription, PartnerGraphClientOptions options, string token)
    {
        this.socket = socket;
        this.subscription = subscription;
        this.options = options;
        this.token = token;
    }

    public T Current { get; private set; } = default!;

    /// <summary>Why the session ended, once MoveNextAsync has returned false.</summary>
    public Disconnect? Disconnect { get; private set; }

    /// <summary>When the server acknowledged the connection.</summary>
    public DateTimeOffset AcknowledgedAt { get; private set; }

    /// <summary>Connects, initialises with the token and subscribes after the sequence given; SessionLostException when another attempt may succeed.</summary>
    public static async Task<GraphQLWsSession<T>> OpenAsync(PartnerGraphClientOptions options, ResumableSubscription<T> subscription, string token, long after, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(SubProtocol);
        var session = new GraphQLWsSession<T>(socket, subscription, options, token);
        try
        {
            using (var connecting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                connecting.CancelAfter(options.IdleTimeout);
                try
                {
                    await socket.ConnectAsync(options.WebSocketAddress, connecting.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new SessionLostException(new Disconnect($"no connection within {options.IdleTimeout.TotalSeconds} s"));
                }
                catch (Exception e) when (e is WebSocketException or HttpRequestException)
                {
                    throw new SessionLostException(new Disconnect($"cannot connect: {e.Message}"));
                }
            }

            await session.SendAsync(new JsonObject { ["type"] = "connection_init", ["payload"] = new JsonObject { ["authorization"] = $"Bearer {token}" } }, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                using var message = await session.ReceiveAsync(cancellationToken).ConfigureAwait(false);
                var type = TypeOf(message);
                if (type == "connection_ack")
                {
                    break;
                }

                if (type == "ping")
                {
                    await session.SendAsync(new JsonObject { ["type"] = "pong" }, cancellationToken).ConfigureAwait(false);
                }
            }

            session.AcknowledgedAt = options.TimeProvider.GetUtcNow();
            var variables = subscription.Request.Variables?.DeepClone().AsObject() ?? [];
            variables[subscription.AfterVariable] = after;
            var payload = JsonNode.Parse(PartnerGraphClient.Serialise(subscription.Request.WithVariables(variables)));
            await session.SendAsync(new JsonObject { ["id"] = OperationId, ["type"] = "subscribe", ["payload"] = payload }, cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The next item of the subscription; false when the session ended in a way another attempt may mend (see Disconnect).</summary>
    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                using var message = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
                var root = message.RootElement;
                var type = TypeOf(message);
                var ours = root.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == OperationId;
                switch (type)
                {
                    case "ping":
                        await SendAsync(new JsonObject { ["type"] = "pong" }, cancellationToken).ConfigureAwait(false);
                        break;
                    case "next" when ours:
                        if (root.TryGetProperty("payload", out var result) && TryItem(result, out var item))
                        {
                            Current = item;
                            return true;
                        }

                        break;
                    case "error" when ours:
                        throw Refused(root.TryGetProperty("payload", out var errors) ? GraphQLError.ListOf(errors) : [], null);
                    case "complete" when ours:
                        throw new SessionLostException(new Disconnect("the server completed the subscription"));
                }
            }
        }
        catch (SessionLostException lost)
        {
            Disconnect = lost.Disconnect;
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (socket.State == WebSocketState.Open)
        {
            // A clean goodbye if the server is still there; no waiting on one that is not.
            using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", closing.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // gone already
            }
        }

        socket.Dispose();
    }

    /// <summary>The item of a next message (the value of the data's one root field), or an exception when it carries errors.</summary>
    private bool TryItem(JsonElement result, out T item)
    {
        item = default!;
        var errors = result.TryGetProperty("errors", out var e) ? GraphQLError.ListOf(e) : [];
        var data = result.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object ? d : (JsonElement?)null;
        if (errors.Count > 0)
        {
            throw Refused(errors, data);
        }

        if (data is null || !data.Value.EnumerateObject().Any())
        {
            return false;
        }

        // A subscription has exactly one root field: its value is the item.
        var field = data.Value.EnumerateObject().First().Value;
        if (field.ValueKind == JsonValueKind.Null)
        {
            return false;
        }

        item = field.Deserialize(subscription.ItemType)!;
        return true;
    }

    /// <summary>An operation's errors: a Disconnect to wait and retry (rate, database away, caps), else a GraphQLException that stops the subscription.</summary>
    private static Exception Refused(List<GraphQLError> errors, JsonElement? data)
    {
        var code = errors.Select(e => e.Code).FirstOrDefault(c => c is not null);
        return code is not null && Retryable.Contains(code)
            ? new SessionLostException(new Disconnect($"the server refused the subscription for now: {code}", AtLeast: TimeSpan.FromSeconds(code is "RATE_LIMITED" or "DATABASE_UNAVAILABLE" ? 5 : 1)))
            : new GraphQLException(errors, null, null, data?.Clone());
    }

    /// <summary>
    /// A close code sorted: 4403 for an expired or revoked token is retried with a new token, any other 4403 (client
    /// disabled) and the codes of a broken protocol stop; the rest (server gone, restarting, 1013 try again later,
    /// 1008 connection cap, 4408, 4500) are retried.
    /// </summary>
    private Exception Closed(WebSocketCloseStatus? status, string? description)
    {
        var code = (int?)status;
        var why = $"closed {code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "without a code"}{(string.IsNullOrEmpty(description) ? "" : ": " + description)}";
        return code switch
        {
            4403 when description is not null && (description.Contains("INVALID_TOKEN", StringComparison.Ordinal) || description.Contains("UNAUTHENTICATED", StringComparison.Ordinal))
                => new SessionLostException(new Disconnect(why, RejectedToken: token)),
            4403 or 4400 or 4401 or 4406 or 4409 or 4429 or 1009 or 1002 or 1003 or 1007
                => new SubscriptionClosedException(code.Value, description),
            1008 or 1013 => new SessionLostException(new Disconnect(why, AtLeast: TimeSpan.FromSeconds(2))),
            _ => new SessionLostException(new Disconnect(why)),
        };
    }

    /// <summary>One whole message; throws SessionLostException when the socket closes, breaks or is silent for IdleTimeout.</summary>
    private async Task<JsonDocument> ReceiveAsync(CancellationToken cancellationToken)
    {
        buffer.Clear();
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(options.IdleTimeout);
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.GetMemory(4096), idle.Token).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    throw Closed(socket.CloseStatus, socket.CloseStatusDescription);
                }

                buffer.Advance(received.Count);
                if (buffer.WrittenCount > MaxMessageBytes)
                {
                    throw new SessionLostException(new Disconnect($"a message over {MaxMessageBytes} bytes"));
                }

                if (received.EndOfMessage)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SessionLostException(new Disconnect($"nothing heard for {options.IdleTimeout.TotalSeconds} s"));
        }
        catch (WebSocketException e)
        {
            throw new SessionLostException(new Disconnect($"connection lost: {e.Message}"));
        }

        try
        {
            var document = JsonDocument.Parse(buffer.WrittenMemory);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException)
        {
        }

        throw new SessionLostException(new Disconnect("a message that is not a JSON object"));
    }

    private async Task SendAsync(JsonObject message, CancellationToken cancellationToken)
    {
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketException e)
        {
            throw new SessionLostException(new Disconnect($"connection lost: {e.Message}"));
        }
    }

    private static string? TypeOf(JsonDocument message) =>
        message.RootElement.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;
}
