using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace PartnerGraph.Tests.Infrastructure;

/// <summary>What an operation got back, whatever the transport: its data, and the codes of its errors (none when it ran clean).</summary>
public sealed record TransportAnswer(JsonNode? Data, IReadOnlyList<string> Codes)
{
    public string? Code => Codes.Count > 0 ? Codes[0] : null;

    public static TransportAnswer Of(JsonNode? body) =>
        new(body?["data"], (body?["errors"] as JsonArray)?.Select(e => e?["extensions"]?["code"]?.GetValue<string>() ?? "").ToList() ?? []);
}

/// <summary>
/// One client of a started server over one transport, as a partner system holds it: plain HTTP requests, a stream per
/// operation (graphql-sse), or one socket for all its operations (graphql-transport-ws), each over TCP.
/// </summary>
public abstract class TransportClient : IAsyncDisposable
{
    public const string Http = "http";
    public const string Sse = "sse";
    public const string WebSocket = "ws";

    public static readonly string[] All = [Http, Sse, WebSocket];

    /// <summary>A client; over WebSocket its socket is open and acknowledged (or the refusal is in <see cref="WsClient.Closed"/>).</summary>
    public static async Task<TransportClient> ConnectAsync(string transport, Uri server, string token) => transport switch
    {
        Http => new HttpTransportClient(server, token),
        Sse => new SseClient(server, token),
        WebSocket => await WsClient.OpenAsync(server, token),
        _ => throw new ArgumentOutOfRangeException(nameof(transport)),
    };

    /// <summary>Runs a query or mutation (by text, or by a trusted document's id) and waits for its whole answer.</summary>
    public abstract Task<TransportAnswer> RunAsync(string? query, string? documentId = null);

    /// <summary>Starts a subscription and returns once the server has taken it (an event stream's headers; a socket's first event after <paramref name="live"/>).</summary>
    public abstract Task<LiveSubscription> SubscribeAsync(string query, Func<Task> live);

    public abstract ValueTask DisposeAsync();

    protected static string Body(string? query, string? documentId) =>
        JsonSerializer.Serialize(documentId is null ? new { query } : (object)new { documentId });
}

/// <summary>A subscription the server has taken, or refused (<see cref="Refused"/>), and how it ends.</summary>
public sealed class LiveSubscription(Task<string?> ended, Func<ValueTask>? complete = null, TransportAnswer? refused = null)
{
    /// <summary>The refusal, when the server did not take it.</summary>
    public TransportAnswer? Refused { get; } = refused;

    /// <summary>Completes when the server ends it: the code of the error (or close) it ended with, null for a plain end.</summary>
    public Task<string?> Ended { get; } = ended;

    /// <summary>The client ends it (closes the stream, sends complete).</summary>
    public ValueTask CompleteAsync() => complete?.Invoke() ?? ValueTask.CompletedTask;
}

public sealed class HttpTransportClient(Uri server, string token) : TransportClient
{
    private readonly HttpClient http = new() { BaseAddress = server };

    public override async Task<TransportAnswer> RunAsync(string? query, string? documentId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(Body(query, documentId), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return TransportAnswer.Of(JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    public override Task<LiveSubscription> SubscribeAsync(string query, Func<Task> live) => throw new NotSupportedException("a subscription needs a stream");

    public override ValueTask DisposeAsync()
    {
        http.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class SseClient(Uri server, string token) : TransportClient
{
    private readonly HttpClient http = new() { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan };

    public override async Task<TransportAnswer> RunAsync(string? query, string? documentId = null)
    {
        var (response, events) = await OpenAsync(query, documentId);
        using (response)
        {
            if (events is null)
            {
                return TransportAnswer.Of(JsonNode.Parse(await response.Content.ReadAsStringAsync()));
            }

            var answer = new TransportAnswer(null, []);
            await foreach (var next in events)
            {
                answer = TransportAnswer.Of(next);
            }

            return answer;
        }
    }

    public override async Task<LiveSubscription> SubscribeAsync(string query, Func<Task> live)
    {
        var (response, events) = await OpenAsync(query, null);
        if (events is null)
        {
            using (response)
            {
                return new LiveSubscription(Task.FromResult<string?>(null), refused: TransportAnswer.Of(JsonNode.Parse(await response.Content.ReadAsStringAsync())));
            }
        }

        var stop = new CancellationTokenSource();
        var ended = Task.Run(async () =>
        {
            using (response)
            {
                string? code = null;
                try
                {
                    await foreach (var next in events.WithCancellation(stop.Token))
                    {
                        code = TransportAnswer.Of(next).Code;
                    }
                }
                catch (OperationCanceledException)
                {
                }

                return code;
            }
        });
        return new LiveSubscription(ended, async () => await stop.CancelAsync());
    }

    /// <summary>The response, and its events when the server answered with a stream (null when it refused with a status).</summary>
    private async Task<(HttpResponseMessage Response, IAsyncEnumerable<JsonNode?>? Events)> OpenAsync(string? query, string? documentId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(Body(query, documentId), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode == HttpStatusCode.OK ? (response, NextEvents(response)) : (response, null);
    }

    private static async IAsyncEnumerable<JsonNode?> NextEvents(HttpResponseMessage response, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        string? type = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && type == "next")
            {
                yield return JsonNode.Parse(line["data: ".Length..]);
            }
            else if (type == "complete")
            {
                yield break;
            }
        }
    }

    public override ValueTask DisposeAsync()
    {
        http.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class WsClient : TransportClient
{
    private readonly ClientWebSocket socket = new();
    private readonly ConcurrentDictionary<string, Channel<JsonNode>> operations = new();
    private readonly TaskCompletionSource<(int Code, string? Reason)> closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim sending = new(1, 1);
    private int nextId;

    private WsClient()
    {
    }

    /// <summary>Completes when the server closes the socket, with its close code and reason.</summary>
    public Task<(int Code, string? Reason)> Closed => closed.Task;

    public static async Task<WsClient> OpenAsync(Uri server, string token)
    {
        var client = new WsClient();
        client.socket.Options.AddSubProtocol("graphql-transport-ws");
        await client.socket.ConnectAsync(new Uri(server.ToWs(), "/graphql"), CancellationToken.None);
        var acknowledged = client.operations.GetOrAdd("", _ => Channel.CreateUnbounded<JsonNode>());
        _ = client.ReadAsync();
        await client.SendAsync(new JsonObject { ["type"] = "connection_init", ["payload"] = new JsonObject { ["authorization"] = "Bearer " + token } });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Task.WhenAny(acknowledged.Reader.WaitToReadAsync(timeout.Token).AsTask(), client.closed.Task);
        return client;
    }

    public override async Task<TransportAnswer> RunAsync(string? query, string? documentId = null)
    {
        var (id, messages) = await StartAsync(query, documentId);
        var answer = new TransportAnswer(null, []);
        await foreach (var message in messages.ReadAllAsync())
        {
            switch (message["type"]!.GetValue<string>())
            {
                case "next":
                    answer = TransportAnswer.Of(message["payload"]);
                    break;
                case "error":
                    operations.TryRemove(id, out _);
                    return TransportAnswer.Of(new JsonObject { ["errors"] = message["payload"]!.DeepClone() });
                case "complete":
                    operations.TryRemove(id, out _);
                    return answer;
            }
        }

        return new TransportAnswer(null, [$"closed {(await closed.Task).Code}"]);
    }

    public override async Task<LiveSubscription> SubscribeAsync(string query, Func<Task> live)
    {
        var (id, messages) = await StartAsync(query, null);
        await live();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var first = await messages.ReadAsync(timeout.Token);
        if (first["type"]!.GetValue<string>() == "error")
        {
            return new LiveSubscription(Task.FromResult<string?>(null), refused: TransportAnswer.Of(new JsonObject { ["errors"] = first["payload"]!.DeepClone() }));
        }

        var ended = Task.Run(async () =>
        {
            await foreach (var message in messages.ReadAllAsync())
            {
                if (message["type"]!.GetValue<string>() == "error")
                {
                    return TransportAnswer.Of(new JsonObject { ["errors"] = message["payload"]!.DeepClone() }).Code;
                }

                if (message["type"]!.GetValue<string>() == "complete")
                {
                    return null;
                }
            }

            return ((await closed.Task).Code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        return new LiveSubscription(ended, async () => await SendAsync(new JsonObject { ["id"] = id, ["type"] = "complete" }));
    }

    private async Task<(string Id, ChannelReader<JsonNode> Messages)> StartAsync(string? query, string? documentId)
    {
        var id = Interlocked.Increment(ref nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var messages = operations.GetOrAdd(id, _ => Channel.CreateUnbounded<JsonNode>());
        var payload = documentId is null ? new JsonObject { ["query"] = query } : new JsonObject { ["documentId"] = documentId };
        await SendAsync(new JsonObject { ["id"] = id, ["type"] = "subscribe", ["payload"] = payload });
        return (id, messages.Reader);
    }

    private async Task SendAsync(JsonNode message)
    {
        await sending.WaitAsync();
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            sending.Release();
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 20];
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult received;
                do
                {
                    received = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None);
                    length += received.Count;
                }
                while (!received.EndOfMessage);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var message = JsonNode.Parse(buffer.AsSpan(0, length))!;
                var type = message["type"]!.GetValue<string>();
                if (type == "ping")
                {
                    await SendAsync(new JsonObject { ["type"] = "pong" });
                }
                else if (operations.TryGetValue(type == "connection_ack" ? "" : message["id"]?.GetValue<string>() ?? "?", out var channel))
                {
                    channel.Writer.TryWrite(message);
                }
            }
        }
        catch (WebSocketException)
        {
        }

        closed.TrySetResult(((int?)socket.CloseStatus ?? 1006, socket.CloseStatusDescription));
        foreach (var channel in operations.Values)
        {
            channel.Writer.TryComplete();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
            }
        }

        socket.Dispose();
        sending.Dispose();
    }
}
