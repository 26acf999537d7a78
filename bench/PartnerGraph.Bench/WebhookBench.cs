using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

/// <summary>
/// Webhooks as partners receive them: two server processes on one SQLite file (each runs the delivery service and takes
/// endpoints by lease), ENDPOINTS endpoints of the Anti-Human Trafficking Division pointing at a receiver in this process
/// on 127.0.0.1 that verifies every signature (HMAC-SHA256, README's method) and takes each webhook-id once per endpoint.
/// Live: RATE referral changes a second for SECONDS (after a warm-up), made on both instances; every endpoint gets every
/// change. Backlog: the endpoints disabled, BACKLOG changes made, then every endpoint replayed at once. Counted: lost,
/// out of order and repeated (at least once: a repeat is reported, not an error) per endpoint, invalid signatures,
/// deliveries a second, latency from the change's changedAt (stamped at its commit) to its arrival, and the servers'
/// CPU-seconds (user + system, from /proc) per 1,000 deliveries.
/// </summary>
internal static class WebhookBench
{
    private const string Document = "subscription { referralStatusChanged { sequence status changedAt referral { reference } } }";

    public static async Task<string> RunAsync(string server, int endpoints, int rate, int seconds, int warmUpSeconds, int backlog)
    {
        var folder = Directory.CreateTempSubdirectory("partnergraph-bench-webhooks-").FullName;
        var environment = BenchDatabase.EnvironmentFor(Path.Combine(folder, "bench.db"), 5000);
        environment["Demo__Referrals"] = "500";
        environment["Webhooks__AllowedAddresses"] = "127.0.0.1";
        environment["Webhooks__MaxEndpointsPerOrganisation"] = Math.Max(10, endpoints).ToString(CultureInfo.InvariantCulture);
        BenchProcesses.Run(server, ["seed-demo"], environment);
        BenchProcesses.Run(server, ["clients", "add", "--org", "atd", "--client-id", "bench-sender", "--scopes", "referrals.read referrals.write webhooks.manage", "--secret", BenchDatabase.ClientSecret], environment);
        BenchProcesses.Run(server, ["clients", "add", "--org", "shelter-northern-children", "--client-id", "bench-receiver", "--scopes", "referrals.read referrals.write", "--secret", BenchDatabase.ClientSecret], environment);

        var ports = new[] { BenchProcesses.FreePort(), BenchProcesses.FreePort() };
        var instances = ports.Select(p => BenchProcesses.Start(server, ["--urls", $"http://127.0.0.1:{p}"], environment, quiet: true)).ToList();
        await using var receiver = new Receiver(BenchProcesses.FreePort());
        try
        {
            var https = ports.Select(p => new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{p}") }).ToList();
            foreach (var http in https)
            {
                await BenchProcesses.WaitReadyAsync(http);
            }

            HttpClient[] senders = [await BenchProcesses.AuthorisedAsync(https[0].BaseAddress!, "bench-sender"), await BenchProcesses.AuthorisedAsync(https[1].BaseAddress!, "bench-sender")];
            HttpClient[] receivers = [await BenchProcesses.AuthorisedAsync(https[0].BaseAddress!, "bench-receiver"), await BenchProcesses.AuthorisedAsync(https[1].BaseAddress!, "bench-receiver")];

            var ids = new List<string>();
            for (var i = 0; i < endpoints; i++)
            {
                var added = (await PostAsync(senders[i % 2], "mutation($input: AddWebhookInput!) { addWebhook(input: $input) { webhook { id } secret } }", new { input = new { url = receiver.Url(i), document = Document } }))["addWebhook"]!;
                receiver.Secrets[i] = added["secret"]!.GetValue<string>();
                ids.Add(added["webhook"]!["id"]!.GetValue<string>());
            }

            Console.WriteLine($"webhooks: {endpoints} endpoints; warming up with {rate} changes a second for {warmUpSeconds} s");
            var expected = new List<long>();
            var warm = await SubscriptionBench.ProduceAsync(senders, receivers, rate, warmUpSeconds);
            expected.AddRange(warm.Keys);
            await receiver.WaitForAsync(endpoints, expected, Timeout(expected.Count * endpoints));

            Console.WriteLine($"webhooks: {rate} changes a second for {seconds} s");
            var live = await PhaseAsync(instances, receiver, endpoints, expected, async () => (await SubscriptionBench.ProduceAsync(senders, receivers, rate, seconds)).Keys);

            // A backlog: deliveries stopped while changes are made, then every endpoint replayed at once.
            foreach (var id in ids)
            {
                await PostAsync(senders[0], "mutation($input: WebhookIdInput!) { disableWebhook(input: $input) { webhook { status } } }", new { input = new { webhookId = id } });
            }

            var backlogRate = Math.Max(rate, 20);
            Console.WriteLine($"webhooks: a backlog of {backlog} changes ({backlog * endpoints} deliveries) while the endpoints are disabled, then a replay of each");
            var made = await SubscriptionBench.ProduceAsync(senders, receivers, backlogRate, Math.Max(1, backlog / backlogRate));
            var from = made.Keys.Min();
            var replay = await PhaseAsync(instances, receiver, endpoints, expected, async () =>
            {
                foreach (var id in ids)
                {
                    await PostAsync(senders[0], "mutation($input: ReplayWebhookInput!) { replayWebhook(input: $input) { webhook { status } } }", new { input = new { webhookId = id, fromSequence = from } });
                }

                return made.Keys;
            });

            var (lost, disordered, repeated, invalid) = receiver.Check(endpoints, expected);
            var table = new StringBuilder();
            table.AppendLine("| phase | endpoints | changes | deliveries | took s | deliveries/s | p50 ms | p99 ms | max ms | CPU s per instance | server CPU s per 1,000 deliveries |");
            table.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |");
            table.AppendLine(live.Row($"live, {rate} changes/s for {seconds} s", endpoints));
            table.AppendLine(replay.Row($"backlog replay (made at {backlogRate}/s while disabled)", endpoints));
            table.AppendLine();
            table.AppendLine(CultureInfo.InvariantCulture, $"Over every phase (warm-up {warm.Count} changes included), {endpoints} endpoints, {expected.Count} changes each: lost {lost}, out of order {disordered}, repeated (same webhook-id again, at least once) {repeated}, invalid signatures {invalid}, POSTs {receiver.Posts}.");
            table.AppendLine("Live latency is from the change's changedAt (stamped in its transaction) to the receiver's arrival; replay latency from the replay request to the arrival.");
            return table.ToString();
        }
        finally
        {
            foreach (var instance in instances)
            {
                instance.Kill(entireProcessTree: true);
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    private static TimeSpan Timeout(int deliveries) => TimeSpan.FromSeconds(Math.Max(120, deliveries / 2.0));

    /// <summary>Makes changes (or starts a replay), waits until every endpoint has every one, and measures the servers meanwhile.</summary>
    private static async Task<Phase> PhaseAsync(List<Process> instances, Receiver receiver, int endpoints, List<long> expected, Func<Task<ICollection<long>>> make)
    {
        var cpu = instances.Select(Cpu).ToArray();
        var startedAt = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var sequences = (await make()).ToHashSet();
        expected.AddRange(sequences);
        await receiver.WaitForAsync(endpoints, expected, Timeout(sequences.Count * endpoints));
        var took = clock.Elapsed.TotalSeconds;
        var used = instances.Select((p, i) => Cpu(p) - cpu[i]).ToArray();
        var arrivals = receiver.AcceptedFor(sequences);
        var latencies = arrivals.Select(a => (a.Arrived - (a.ChangedAt < startedAt ? startedAt : a.ChangedAt)).TotalMilliseconds).Order().ToList();
        return new Phase(sequences.Count, arrivals.Count, took, latencies, used);
    }

    private static double Cpu(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime.TotalSeconds;
    }

    private static async Task<JsonNode> PostAsync(HttpClient http, string query, object variables)
    {
        using var response = await http.PostAsync("/graphql", new StringContent(JsonSerializer.Serialize(new { query, variables }), Encoding.UTF8, "application/json"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["errors"] is null ? body["data"]! : throw new InvalidOperationException(body.ToJsonString());
    }

    private sealed record Phase(int Changes, int Deliveries, double Seconds, List<double> Latencies, double[] Cpu)
    {
        public string Row(string name, int endpoints)
        {
            var cpuPerThousand = Deliveries == 0 ? double.NaN : Cpu.Sum() / Deliveries * 1000;
            return string.Create(CultureInfo.InvariantCulture, $"| {name} | {endpoints} | {Changes} | {Deliveries} | {Seconds:F1} | {Deliveries / Seconds:F1} | {StatisticsBench.Percentile(Latencies, 0.5):F0} | {StatisticsBench.Percentile(Latencies, 0.99):F0} | {Latencies.LastOrDefault():F0} | {string.Join(", ", Cpu.Select(c => c.ToString("F1", CultureInfo.InvariantCulture)))} | {cpuPerThousand:F1} |");
        }
    }

    private sealed record Arrival(long Sequence, DateTime ChangedAt, DateTime Arrived);

    /// <summary>A partner's receiver: /hooks/N is endpoint N; every POST is verified, a webhook-id is taken once per endpoint.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly HttpListener listener = new();
        private readonly Lock gate = new();
        private readonly Dictionary<int, List<Arrival>> accepted = [];
        private readonly Dictionary<int, HashSet<string>> seen = [];
        private readonly Task loop;
        private readonly int port;
        private int posts;
        private int invalid;
        private int repeated;

        public Receiver(int port)
        {
            this.port = port;
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            listener.Start();
            loop = Task.Run(ServeAsync);
        }

        public ConcurrentDictionary<int, string> Secrets { get; } = new();

        public int Posts => Volatile.Read(ref posts);

        public string Url(int endpoint) => $"http://127.0.0.1:{port}/hooks/{endpoint}";

        public async Task WaitForAsync(int endpoints, List<long> expected, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                lock (gate)
                {
                    if (Enumerable.Range(0, endpoints).All(e => accepted.TryGetValue(e, out var list) && list.Count >= expected.Count))
                    {
                        return;
                    }
                }

                await Task.Delay(20);
            }

            Console.WriteLine("webhooks: timed out waiting for every delivery");
        }

        public List<Arrival> AcceptedFor(HashSet<long> sequences)
        {
            lock (gate)
            {
                return [.. accepted.Values.SelectMany(l => l).Where(a => sequences.Contains(a.Sequence))];
            }
        }

        public (long Lost, long Disordered, int Repeated, int Invalid) Check(int endpoints, List<long> expected)
        {
            lock (gate)
            {
                long lost = 0, disordered = 0;
                for (var e = 0; e < endpoints; e++)
                {
                    var got = accepted.TryGetValue(e, out var list) ? list.Select(a => a.Sequence).ToList() : [];
                    var set = got.ToHashSet();
                    lost += expected.Count(s => !set.Contains(s));
                    disordered += got.Zip(got.Skip(1)).Count(p => p.Second <= p.First);
                }

                return (lost, disordered, repeated, invalid);
            }
        }

        private async Task ServeAsync()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                _ = Task.Run(() => AnswerAsync(context));
            }
        }

        private async Task AnswerAsync(HttpListenerContext context)
        {
            try
            {
                var arrived = DateTime.UtcNow;
                Interlocked.Increment(ref posts);
                using var buffer = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(buffer);
                var body = buffer.ToArray();
                var headers = context.Request.Headers;
                var id = headers["webhook-id"] ?? "";
                var endpoint = int.Parse(context.Request.Url!.AbsolutePath.Split('/')[^1], CultureInfo.InvariantCulture);
                if (!Secrets.TryGetValue(endpoint, out var secret))
                {
                    context.Response.StatusCode = 503;
                    context.Response.Close();
                    return;
                }

                var valid = Verify(secret, id, headers["webhook-timestamp"], headers["webhook-signature"], body);
                if (valid)
                {
                    var change = JsonNode.Parse(body)!["data"]!["referralStatusChanged"]!;
                    var arrival = new Arrival(change["sequence"]!.GetValue<long>(), change["changedAt"]!.GetValue<DateTime>().ToUniversalTime(), arrived);
                    lock (gate)
                    {
                        if (!seen.TryGetValue(endpoint, out var ids))
                        {
                            seen[endpoint] = ids = new HashSet<string>(StringComparer.Ordinal);
                            accepted[endpoint] = [];
                        }

                        if (ids.Add(id))
                        {
                            accepted[endpoint].Add(arrival);
                        }
                        else
                        {
                            repeated++;
                        }
                    }
                }
                else
                {
                    Interlocked.Increment(ref invalid);
                }

                context.Response.StatusCode = valid ? 204 : 401;
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // the sender went away mid-request: it sends again
            }
        }

        /// <summary>README's verification: a v1 signature that is HMAC-SHA256 of id.timestamp.body, the timestamp within 5 minutes.</summary>
        private static bool Verify(string secret, string? id, string? timestamp, string? signatures, byte[] body)
        {
            if (id is null || signatures is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300)
            {
                return false;
            }

            var key = Convert.FromBase64String(secret["whsec_".Length..]);
            byte[] signed = [.. Encoding.UTF8.GetBytes($"{id}.{timestamp}."), .. body];
            var expected = HMACSHA256.HashData(key, signed);
            foreach (var signature in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var given = new byte[32];
                if (signature.Split(',', 2) is ["v1", var value] && Convert.TryFromBase64String(value, given, out var length)
                    && length == given.Length && CryptographicOperations.FixedTimeEquals(expected, given))
                {
                    return true;
                }
            }

            return false;
        }

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            listener.Close();
            await loop;
        }
    }
}
