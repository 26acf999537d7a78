using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

/// <summary>
/// One graphql-transport-ws subscriber as the benchmarks load the servers: it subscribes with id 1, answers pings, and
/// keeps each event's sequence, changedAt and arrival time. It allocates nothing per message once its record is made
/// (sized for the run): a load generator that collects garbage while it reads stamps arrivals late.
/// </summary>
internal sealed class SubscriptionReceiver(int expected) : IAsyncDisposable
{
    private readonly ClientWebSocket socket = new();
    private readonly TaskCompletionSource acknowledged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Delivery[] deliveries = new Delivery[expected];
    private int count;
    private Task? reading;

    public readonly record struct Delivery(long Sequence, DateTime Arrived, DateTime ChangedAt);

    /// <summary>How many events a receiver should make room for: RATE a second for the warm-up and the run, and a quarter more.</summary>
    public static int Expected(int rate, int seconds, TimeSpan warmUp) => rate * (seconds + (int)warmUp.TotalSeconds) * 5 / 4;

    /// <summary>The events received so far, in arrival order.</summary>
    public ArraySegment<Delivery> Received => new(deliveries, 0, Volatile.Read(ref count));

    /// <summary>Done when the server has acknowledged connection_init; faults if the socket ends first.</summary>
    public Task Acknowledged => acknowledged.Task;

    /// <summary>Subscribes to DOCUMENT with a token; EXPECTED is how many events the run should bring (the record grows if more come).</summary>
    public static async Task<SubscriptionReceiver> ConnectAsync(Uri url, string token, string document, int expected)
    {
        var subscriber = new SubscriptionReceiver(expected);
        subscriber.socket.Options.AddSubProtocol("graphql-transport-ws");
        await subscriber.socket.ConnectAsync(url, CancellationToken.None);
        await subscriber.SendAsync($$$"""{"type":"connection_init","payload":{"authorization":"Bearer {{{token}}}"}}""");
        await subscriber.SendAsync($$$"""{"id":"1","type":"subscribe","payload":{"query":"{{{document}}}"}}""");
        subscriber.reading = subscriber.ReadAsync();
        return subscriber;
    }

    private Task SendAsync(string text) => socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    private async Task ReadAsync()
    {
        try
        {
            await ReadMessagesAsync();
        }
        finally
        {
            acknowledged.TrySetException(new WebSocketException($"the socket ended before connection_ack: {socket.CloseStatus} {socket.CloseStatusDescription}"));
        }
    }

    private async Task ReadMessagesAsync()
    {
        // An event is about 150 bytes: 5,000 receivers in one process keep a small buffer each, grown for a longer message.
        var buffer = new byte[1024];
        while (socket.State == WebSocketState.Open)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }

                result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                length += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }

            var arrived = DateTime.UtcNow;
            var (type, sequence, changedAt) = Read(buffer.AsSpan(0, length));
            if (type == Kind.Ack)
            {
                acknowledged.TrySetResult();
            }
            else if (type == Kind.Ping)
            {
                await SendAsync("""{"type":"pong"}""");
            }
            else if (type == Kind.Next)
            {
                if (count == deliveries.Length)
                {
                    Array.Resize(ref deliveries, deliveries.Length * 2);
                }

                deliveries[count] = new Delivery(sequence, arrived, changedAt.ToUniversalTime());
                Volatile.Write(ref count, count + 1);
            }
        }
    }

    /// <summary>
    /// The message's type, and an event's sequence and changedAt, read in one pass without building a document:
    /// 1,000 subscribers on the servers' two cores read 100,000 messages a second, and the reading is not what
    /// is measured.
    /// </summary>
    private static (Kind Type, long Sequence, DateTime ChangedAt) Read(ReadOnlySpan<byte> message)
    {
        var reader = new Utf8JsonReader(message);
        var type = Kind.Other;
        var sequence = -1L;
        var changedAt = default(DateTime);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (reader.ValueTextEquals("type"u8) && reader.CurrentDepth == 1 && reader.Read())
            {
                type = reader.ValueTextEquals("next"u8) ? Kind.Next : reader.ValueTextEquals("ping"u8) ? Kind.Ping : reader.ValueTextEquals("connection_ack"u8) ? Kind.Ack : Kind.Other;
            }
            else if (reader.ValueTextEquals("sequence"u8) && reader.Read())
            {
                sequence = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("changedAt"u8) && reader.Read())
            {
                changedAt = reader.GetDateTime();
            }
        }

        return (type, sequence, changedAt);
    }

    private enum Kind
    {
        Other,
        Next,
        Ping,
        Ack,
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
            if (reading is not null)
            {
                await reading;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
        }

        socket.Dispose();
    }
}
