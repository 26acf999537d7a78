using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PartnerGraph.GraphQL.Transport;

/// <summary>
/// The floor under the subscription fan-out on this machine: the same receivers and the same rate, but the servers are
/// two bare Kestrel processes that send one ready-made graphql-transport-ws "next" message per event to every socket,
/// through the same shape of path (a queue and a sending loop per socket, paced as the server paces it), with no GraphQL,
/// database or Redis.
/// </summary>
internal static class BroadcastFloor
{
    private const string Prefix = """{"id":"1","type":"next","payload":{"data":{"referralStatusChanged":{"sequence":""";

    /// <summary>The server side, run as its own process: PartnerGraph.Bench broadcast-server PORT.</summary>
    public static async Task ServeAsync(int port, TimeSpan sendInterval)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sockets = new List<Channel<byte[]>>();
        app.UseWebSockets();
        app.MapGet("/readyz", () => "ready");
        app.MapPost("/start", (int rate, int seconds) =>
        {
            _ = BroadcastAsync(sockets, rate, seconds);
            return "started";
        });
        app.Map("/graphql", async (HttpContext http) =>
        {
            using var socket = await http.WebSockets.AcceptWebSocketAsync("graphql-transport-ws");
            var queue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
            lock (sockets)
            {
                sockets.Add(queue);
            }

            var sending = Task.Run(async () =>
            {
                var pacer = new SendPacer(sendInterval, TimeProvider.System);
                while (await queue.Reader.WaitToReadAsync())
                {
                    await pacer.WaitTurnAsync(CancellationToken.None);
                    while (queue.Reader.TryRead(out var message))
                    {
                        await socket.SendAsync(message, WebSocketMessageType.Text, true, CancellationToken.None);
                    }
                }
            });
            var buffer = new byte[4096];
            while (!(await socket.ReceiveAsync(buffer, CancellationToken.None)).CloseStatus.HasValue)
            {
                // connection_init, subscribe and pongs are read and dropped
            }

            lock (sockets)
            {
                sockets.Remove(queue);
            }

            queue.Writer.TryComplete();
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        });
        await app.RunAsync();
    }

    private static async Task BroadcastAsync(List<Channel<byte[]>> sockets, int rate, int seconds)
    {
        var clock = Stopwatch.StartNew();
        for (var n = 1L; n <= (long)rate * seconds; n++)
        {
            var due = TimeSpan.FromSeconds((double)n / rate);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var message = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Prefix}{n},\"status\":\"ACCEPTED\",\"changedAt\":\"{DateTime.UtcNow:O}\"") + "}}}}");
            Channel<byte[]>[] now;
            lock (sockets)
            {
                now = [.. sockets];
            }

            foreach (var socket in now)
            {
                socket.Writer.TryWrite(message);
            }
        }
    }

    /// <summary>Two bare servers, SUBSCRIBERS receivers split between them, RATE events a second each for SECONDS after the warm-up.</summary>
    public static async Task<string> RunAsync(int subscribers, int rate, int seconds, TimeSpan warmUp, int sendIntervalMs)
    {
        var self = typeof(BroadcastFloor).Assembly.Location;
        var ports = new[] { BenchProcesses.FreePort(), BenchProcesses.FreePort() };
        var servers = ports.Select(p => BenchProcesses.Start(self, ["broadcast-server", p.ToString(CultureInfo.InvariantCulture), sendIntervalMs.ToString(CultureInfo.InvariantCulture)], new(), quiet: true)).ToList();
        try
        {
            var https = ports.Select(p => new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{p}") }).ToList();
            foreach (var http in https)
            {
                await BenchProcesses.WaitReadyAsync(http);
            }

            var receivers = new List<SubscriptionReceiver>();
            for (var i = 0; i < subscribers; i++)
            {
                receivers.Add(await SubscriptionReceiver.ConnectAsync(new Uri($"ws://127.0.0.1:{ports[i % 2]}/graphql"), "none", "subscription { referralStatusChanged { sequence status changedAt } }", SubscriptionReceiver.Expected(rate, seconds, warmUp)));
            }

            await Task.Delay(2000);
            var total = (int)warmUp.TotalSeconds + seconds;
            Console.WriteLine($"bare broadcast: {rate} events a second for {warmUp.TotalSeconds} + {seconds} s");
            foreach (var http in https)
            {
                (await http.PostAsync($"/start?rate={rate}&seconds={total}", null)).EnsureSuccessStatusCode();
            }

            var measuredFrom = DateTime.UtcNow + warmUp;
            await Task.Delay(warmUp);
            var cpu = new CpuTime([.. servers, Process.GetCurrentProcess()]);
            await Task.Delay(TimeSpan.FromSeconds(seconds + 5));
            var used = cpu.Used();
            var pausedMs = cpu.GeneratorPausedMs;

            var lost = 0L;
            var latencies = new List<double>();
            foreach (var receiver in receivers)
            {
                var seen = receiver.Received.Select(r => r.Sequence).ToHashSet();
                lost += (long)rate * total - seen.Count;
                latencies.AddRange(receiver.Received.Where(r => r.ChangedAt >= measuredFrom).Select(r => (r.Arrived - r.ChangedAt).TotalMilliseconds));
                await receiver.DisposeAsync();
            }

            latencies.Sort();
            double P(double p) => StatisticsBench.Percentile(latencies, p);
            var table = new StringBuilder();
            table.AppendLine("| subscribers | bare servers | events a second | measured deliveries | not arrived | p50 ms | p95 ms | p99 ms | max ms | CPU s per server, load generator | generator GC pauses ms |");
            table.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |");
            table.AppendLine(CultureInfo.InvariantCulture, $"| {subscribers} | 2 | {rate} | {latencies.Count} | {lost} | {P(0.5):F1} | {P(0.95):F1} | {P(0.99):F1} | {latencies.LastOrDefault():F1} | {used} | {pausedMs:F0} |");
            return table.ToString();
        }
        finally
        {
            foreach (var server in servers)
            {
                server.Kill(entireProcessTree: true);
            }
        }
    }
}
