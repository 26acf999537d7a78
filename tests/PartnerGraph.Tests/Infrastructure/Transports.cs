using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PartnerGraph.Tests.Infrastructure;

/// <summary>
/// One operation sent to a started server over each of its transports, the way a client library sends it: GraphQL over
/// HTTP (POST), Server-Sent Events (graphql-sse, POST with Accept: text/event-stream) and WebSocket
/// (graphql-transport-ws over TCP). Each gives back the operation's single result as JSON: data and errors.
/// </summary>
public static class Transports
{
    public const string Http = "http";
    public const string Sse = "sse";
    public const string WebSocket = "ws";

    public static readonly string[] All = [Http, Sse, WebSocket];

    public static Task<JsonNode> RunAsync(string transport, Uri server, string token, string query, object? variables = null) => transport switch
    {
        Http => OverHttpAsync(server, token, query, variables),
        Sse => OverSseAsync(server, token, query, variables),
        WebSocket => OverWebSocketAsync(server, token, query, variables),
        _ => throw new ArgumentOutOfRangeException(nameof(transport), transport, "http, sse or ws"),
    };

    private static StringContent Body(string query, object? variables) =>
        new(JsonSerializer.Serialize(new { query, variables }), Encoding.UTF8, "application/json");

    private static async Task<JsonNode> OverHttpAsync(Uri server, string token, string query, object? variables)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/graphql")) { Content = Body(query, variables) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("application/graphql-response+json");
        using var response = await http.SendAsync(request);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>The first "next" event's data (distinct connections mode: the stream ends after the operation's result).</summary>
    private static async Task<JsonNode> OverSseAsync(Uri server, string token, string query, object? variables)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/graphql")) { Content = Body(query, variables) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            if (lines.Contains("event: next"))
            {
                return JsonNode.Parse(string.Concat(lines.Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..])))!;
            }
        }

        throw new InvalidOperationException($"No next event over SSE ({(int)response.StatusCode}): {text}");
    }

    /// <summary>The operation's "next" payload, or its "error" payload as {"errors": [...]}.</summary>
    private static async Task<JsonNode> OverWebSocketAsync(Uri server, string token, string query, object? variables)
    {
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("graphql-transport-ws");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(new UriBuilder(new Uri(server, "/graphql")) { Scheme = "ws" }.Uri, timeout.Token);
        await SendAsync(socket, new { type = "connection_init", payload = new { authorization = $"Bearer {token}" } }, timeout.Token);
        var ack = await ReceiveAsync(socket, timeout.Token);
        if (ack?["type"]?.GetValue<string>() != "connection_ack")
        {
            throw new InvalidOperationException($"No connection_ack: {ack?.ToJsonString() ?? socket.CloseStatus?.ToString()}");
        }

        await SendAsync(socket, new { id = "1", type = "subscribe", payload = new { query, variables } }, timeout.Token);
        while (await ReceiveAsync(socket, timeout.Token) is { } message)
        {
            switch (message["type"]?.GetValue<string>())
            {
                case "next":
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
                    return message["payload"]!.DeepClone();
                case "error":
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
                    return new JsonObject { ["errors"] = message["payload"]!.DeepClone() };
            }
        }

        throw new InvalidOperationException($"The socket closed with {socket.CloseStatus} before a result");
    }

    private static Task SendAsync(ClientWebSocket socket, object message, CancellationToken cancellationToken) =>
        socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(message), WebSocketMessageType.Text, true, cancellationToken);

    private static async Task<JsonNode?> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        ValueWebSocketReceiveResult received;
        do
        {
            received = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
            length += received.Count;
        }
        while (!received.EndOfMessage);
        return received.MessageType == WebSocketMessageType.Close ? null : JsonNode.Parse(buffer.AsSpan(0, length));
    }
}
