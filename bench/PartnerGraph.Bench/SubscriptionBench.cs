using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

/// <summary>
/// Subscription fan-out as integrators load it: two server processes on one SQLite database with a real redis-server,
/// SUBSCRIBERS graphql-transport-ws subscribers split between them, RATE referral status changes a second for SECONDS,
/// made on both instances. It counts lost, repeated and out-of-order events per subscriber and the delivery latency
/// (from the change's changedAt to its arrival) and each instance's peak working set.
/// </summary>
internal static class SubscriptionBench
{
    private const string Document = "subscription { referralStatusChanged { sequence status changedAt } }";
    private static readonly string[] Shelter = ["SHELTER"];

    public static async Task<string> RunAsync(string server, int subscribers, int rate, int seconds)
    {
        var folder = Directory.CreateTempSubdirectory("partnergraph-bench-subscriptions-").FullName;
        var redisPort = BenchProcesses.FreePort();
        var environment = BenchDatabase.EnvironmentFor(Path.Combine(folder, "bench.db"), 5000);
        environment["Demo__Referrals"] = "500";
        environment["Redis__Connection"] = $"127.0.0.1:{redisPort}";
        BenchProcesses.Run(server, ["seed-demo"], environment);
        BenchProcesses.Run(server, ["clients", "add", "--org", "atd", "--client-id", "bench-sender", "--scopes", "referrals.read referrals.write", "--secret", BenchDatabase.ClientSecret], environment);
        BenchProcesses.Run(server, ["clients", "add", "--org", "shelter-northern-children", "--client-id", "bench-receiver", "--scopes", "referrals.read referrals.write", "--secret", BenchDatabase.ClientSecret], environment);

        using var redis = Process.Start(new ProcessStartInfo("redis-server", ["--port", redisPort.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]) { RedirectStandardOutput = true })!;
        var ports = new[] { BenchProcesses.FreePort(), BenchProcesses.FreePort() };
        var instances = ports.Select(p => BenchProcesses.Start(server, ["--urls", $"http://127.0.0.1:{p}"], environment, quiet: true)).ToList();
        try
        {
            var https = ports.Select(p => new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{p}") }).ToList();
            foreach (var http in https)
            {
                await BenchProcesses.WaitReadyAsync(http);
            }

            var sender = https.Select(h => BenchProcesses.AuthorisedAsync(h.BaseAddress!, "bench-sender")).ToList();
            var receiver = https.Select(h => BenchProcesses.AuthorisedAsync(h.BaseAddress!, "bench-receiver")).ToList();
            await Task.WhenAll(sender.Concat(receiver));
            var receiverToken = (await receiver[0]).DefaultRequestHeaders.Authorization!.Parameter!;

            Console.WriteLine($"connecting {subscribers} subscribers to 2 instances");
            var sockets = new List<Subscriber>();
            for (var i = 0; i < subscribers; i++)
            {
                sockets.Add(await Subscriber.ConnectAsync(new Uri($"ws://127.0.0.1:{ports[i % 2]}/graphql"), receiverToken));
            }

            await Task.Delay(2000);
            var peaks = instances.Select(p => new PeakWorkingSet(p)).ToList();

            Console.WriteLine($"{rate} changes a second for {seconds} s");
            var produced = await ProduceAsync([await sender[0], await sender[1]], [await receiver[0], await receiver[1]], rate, seconds);
            await Task.Delay(5000);
            foreach (var peak in peaks)
            {
                await peak.DisposeAsync();
            }

            var expected = produced.Order().ToList();
            var lost = 0L;
            var repeated = 0L;
            var disordered = 0L;
            var latencies = new List<double>();
            foreach (var socket in sockets)
            {
                var seen = socket.Received.Select(r => r.Sequence).ToList();
                var set = seen.ToHashSet();
                lost += expected.Count(s => !set.Contains(s));
                repeated += seen.Count - set.Count;
                disordered += seen.Zip(seen.Skip(1)).Count(p => p.Second <= p.First);
                latencies.AddRange(socket.Received.Select(r => r.LatencyMs));
                await socket.DisposeAsync();
            }

            latencies.Sort();
            double P(double p) => StatisticsBench.Percentile(latencies, p);
            var table = new StringBuilder();
            table.AppendLine("| subscribers | instances | changes | deliveries | lost | repeated | out of order | p50 ms | p95 ms | p99 ms | max ms | change answered p50 / p99 ms | peak working set per instance MB |");
            table.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
            var changeTimes = ChangeTimes.Order().ToList();
            table.AppendLine(CultureInfo.InvariantCulture, $"| {subscribers} | 2 | {expected.Count} | {latencies.Count} | {lost} | {repeated} | {disordered} | {P(0.5):F1} | {P(0.95):F1} | {P(0.99):F1} | {latencies.LastOrDefault():F1} | {StatisticsBench.Percentile(changeTimes, 0.5):F1} / {StatisticsBench.Percentile(changeTimes, 0.99):F1} | {string.Join(", ", peaks.Select(p => p.Megabytes))} |");
            return table.ToString();
        }
        finally
        {
            foreach (var instance in instances)
            {
                instance.Kill(entireProcessTree: true);
            }

            redis.Kill();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Referral changes at a steady rate, alternating instances: each referral goes from SUBMITTED to COMPLETED. The sequences made.</summary>
    private static async Task<ConcurrentBag<long>> ProduceAsync(HttpClient[] senders, HttpClient[] receivers, int rate, int seconds)
    {
        var produced = new ConcurrentBag<long>();
        var moves = new[] { "acknowledgeReferral", "acceptReferral", "startReferralService", "completeReferral" };
        var total = rate * seconds;
        var workers = Math.Max(1, rate / 10);
        var clock = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
        {
            string? id = null;
            var version = 0;
            while (true)
            {
                var n = Interlocked.Increment(ref next);
                if (n >= total)
                {
                    return;
                }

                var due = TimeSpan.FromSeconds((double)n / rate);
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed);
                }

                var instance = n % 2;
                if (id is null)
                {
                    var created = await PostAsync(senders[instance], "mutation($input: CreateReferralInput!) { createReferral(input: $input) { referral { id } change { sequence } } }",
                        new { input = new { toOrganisation = "shelter-northern-children", kind = "DOMESTIC", services = Shelter, consent = new { givenBy = "CHILD" } } });
                    id = created["createReferral"]!["referral"]!["id"]!.GetValue<string>();
                    version = 1;
                    produced.Add(created["createReferral"]!["change"]!["sequence"]!.GetValue<long>());
                }
                else
                {
                    var move = moves[version - 1];
                    var moved = await PostAsync(receivers[instance], $"mutation($input: ReferralTransitionInput!) {{ {move}(input: $input) {{ change {{ sequence }} }} }}", new { input = new { referralId = id, expectedVersion = version } });
                    produced.Add(moved[move]!["change"]!["sequence"]!.GetValue<long>());
                    version++;
                    if (version == 5)
                    {
                        id = null;
                    }
                }
            }
        }));
        Console.WriteLine($"made {produced.Count} changes in {clock.Elapsed.TotalSeconds:F1} s");
        return produced;
    }

    /// <summary>How long each change took to answer, as its maker saw it (the write's share of delivery latency).</summary>
    private static readonly ConcurrentBag<double> ChangeTimes = [];

    private static async Task<JsonNode> PostAsync(HttpClient http, string query, object variables)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.PostAsync("/graphql", new StringContent(JsonSerializer.Serialize(new { query, variables }), Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        ChangeTimes.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return body["errors"] is null ? body["data"]! : throw new InvalidOperationException(body.ToJsonString());
    }

    private sealed class Subscriber : IAsyncDisposable
    {
        private readonly ClientWebSocket socket = new();
        private Task? reading;

        public ConcurrentQueue<(long Sequence, double LatencyMs)> Received { get; } = new();

        public static async Task<Subscriber> ConnectAsync(Uri url, string token)
        {
            var subscriber = new Subscriber();
            subscriber.socket.Options.AddSubProtocol("graphql-transport-ws");
            await subscriber.socket.ConnectAsync(url, CancellationToken.None);
            await subscriber.SendAsync($$$"""{"type":"connection_init","payload":{"authorization":"Bearer {{{token}}}"}}""");
            await subscriber.SendAsync($$$"""{"id":"1","type":"subscribe","payload":{"query":"{{{Document}}}"}}""");
            subscriber.reading = subscriber.ReadAsync();
            return subscriber;
        }

        private Task SendAsync(string text) => socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);

        private async Task ReadAsync()
        {
            var buffer = new byte[64 * 1024];
            while (socket.State == WebSocketState.Open)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
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
                if (type == "ping")
                {
                    await SendAsync("""{"type":"pong"}""");
                }
                else if (type == "next")
                {
                    Received.Enqueue((sequence, (arrived - changedAt.ToUniversalTime()).TotalMilliseconds));
                }
            }
        }

        /// <summary>
        /// The message's type, and an event's sequence and changedAt, read in one pass without building a document:
        /// 1,000 subscribers on the servers' two cores read 100,000 messages a second, and the reading is not what
        /// is measured.
        /// </summary>
        private static (string? Type, long Sequence, DateTime ChangedAt) Read(ReadOnlySpan<byte> message)
        {
            var reader = new Utf8JsonReader(message);
            string? type = null;
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
                    type = reader.GetString();
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
}
