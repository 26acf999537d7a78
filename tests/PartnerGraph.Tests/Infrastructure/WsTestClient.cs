using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace PartnerGraph.Tests.Infrastructure;

/// <summary>A bare WebSocket speaking graphql-transport-ws frame by frame, to break the protocol's rules on purpose.</summary>
public sealed class WsTestClient(WebSocket socket) : IAsyncDisposable
{
    public static async Task<WsTestClient> ConnectAsync(PartnerGraphApp app, string? subProtocol = "graphql-transport-ws")
    {
        var client = app.Server.CreateWebSocketClient();
        if (subProtocol is not null)
        {
            client.SubProtocols.Add(subProtocol);
        }

        var socket = await client.ConnectAsync(new Uri(app.Server.BaseAddress, "graphql").ToWs(), CancellationToken.None);
        return new WsTestClient(socket);
    }

    /// <summary>A WebSocket over TCP to a started server, as partners connect.</summary>
    public static async Task<WsTestClient> ConnectAsync(Uri url, string? subProtocol = "graphql-transport-ws")
    {
        var socket = new ClientWebSocket();
        if (subProtocol is not null)
        {
            socket.Options.AddSubProtocol(subProtocol);
        }

        await socket.ConnectAsync(url, CancellationToken.None);
        return new WsTestClient(socket);
    }

    public WebSocket Socket => socket;

    public Task SendAsync(string text) => socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

    public Task SendAsync(JsonNode message) => SendAsync(message.ToJsonString());

    public async Task InitAsync(string token)
    {
        await SendAsync(new JsonObject { ["type"] = "connection_init", ["payload"] = new JsonObject { ["authorization"] = "Bearer " + token } });
        Assert.Equal("connection_ack", (await ReceiveAsync())!["type"]!.GetValue<string>());
    }

    /// <summary>The next message, or null when the server closed the socket (then CloseStatus says why).</summary>
    public async Task<JsonNode?> ReceiveAsync(double seconds = 10)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var buffer = new byte[1 << 20];
        var length = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, length));
            }
        }
    }

    /// <summary>Reads until the server closes the socket, skipping keep-alive pings; the close code.</summary>
    public async Task<int> ClosedWithAsync(double seconds = 15)
    {
        while (await ReceiveAsync(seconds) is { } message)
        {
            Assert.True(message["type"]?.GetValue<string>() is "ping" or "next" or "complete", $"unexpected message before close: {message.ToJsonString()}");
        }

        return (int)socket.CloseStatus!;
    }

    /// <summary>The next message that is not a keep-alive ping.</summary>
    public async Task<JsonNode> NextMessageAsync(double seconds = 10)
    {
        while (true)
        {
            var message = await ReceiveAsync(seconds) ?? throw new InvalidOperationException($"closed: {socket.CloseStatus} {socket.CloseStatusDescription}");
            if (message["type"]!.GetValue<string>() != "ping")
            {
                return message;
            }
        }
    }

    public async ValueTask DisposeAsync()
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
                // the server went first
            }
        }

        socket.Dispose();
    }
}

public static class UriExtensions
{
    public static Uri ToWs(this Uri http) => new UriBuilder(http) { Scheme = http.Scheme == "https" ? "wss" : "ws" }.Uri;
}
