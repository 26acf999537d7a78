using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

/// <summary>
/// Subscription fan-out as integrators load it: two server processes on one SQLite database with a real redis-server,
/// SUBSCRIBERS graphql-transport-ws subscribers split between them, RATE referral status changes a second for SECONDS,
/// made on both instances. It counts lost, repeated and out-of-order events per subscriber, the delivery latency (from
/// the change's changedAt, stamped when it is recorded, to its arrival), the latency end to end (from the moment the
/// change's request was sent), the servers' CPU seconds per 1,000 deliveries, the servers' working set per idle
/// subscriber and each instance's peak working set. A cost curve is one such run per number of subscribers, each on
/// fresh processes, one table row each.
/// </summary>
internal static class SubscriptionBench
{
    private const string Document = "subscription { referralStatusChanged { sequence status changedAt } }";
    private static readonly string[] Shelter = ["SHELTER"];

    /// <summary>Subscribers connected first, before the idle working set is measured: their connections bring in what the first ones cost once (JIT, pools).</summary>
    private const int Primers = 20;

    /// <summary>How many subscribers connect at once (each waits for its connection_ack).</summary>
    private const int ConnectingAtOnce = 8;

    /// <summary>One run per number of subscribers in CURVE, each on fresh servers, redis-server and database: one table row each.</summary>
    public static async Task<string> RunCurveAsync(string server, IReadOnlyList<int> curve, int rate, int seconds, TimeSpan warmUp, int sendIntervalMs)
    {
        var table = new StringBuilder();
        table.AppendLine("| subscribers | instances | warm-up changes | changes | made in s | deliveries | lost | repeated | out of order | p50 ms | p95 ms | p99 ms | max ms | end to end p50 / p95 / p99 ms | change answered p50 / p99 ms | CPU s per instance, load generator | server CPU s per 1,000 deliveries | generator GC pauses ms | idle working set, both instances, before / after MB | working set per idle subscriber KB | peak working set per instance MB | load average at the start |");
        table.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: | --- | --- |");
        foreach (var subscribers in curve)
        {
            var row = await RunAsync(server, subscribers, rate, seconds, warmUp, sendIntervalMs);
            Console.WriteLine(row);
            table.AppendLine(row);
        }

        return table.ToString();
    }

    private static async Task<string> RunAsync(string server, int subscribers, int rate, int seconds, TimeSpan warmUp, int sendIntervalMs)
    {
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
        var folder = Directory.CreateTempSubdirectory("partnergraph-bench-subscriptions-").FullName;
        var redisPort = BenchProcesses.FreePort();
        var environment = BenchDatabase.EnvironmentFor(Path.Combine(folder, "bench.db"), 5000);
        environment["Demo__Referrals"] = "500";
        environment["Redis__Connection"] = $"127.0.0.1:{redisPort}";
        environment["GraphQL__WebSockets__SendIntervalMilliseconds"] = sendIntervalMs.ToString(CultureInfo.InvariantCulture);
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

            // The idle working set: the servers' resident set after the first subscribers, and again once every one is
            // connected, acknowledged and subscribed with nothing to deliver; the difference over the ones connected between.
            Console.WriteLine($"connecting {subscribers} subscribers to 2 instances");
            var sockets = new SubscriptionReceiver[subscribers];
            var primers = Math.Min(Primers, subscribers);
            await ConnectAsync(0, primers);
            await Task.Delay(2000);
            var idleBefore = PeakWorkingSet.Bytes(instances);
            await ConnectAsync(primers, subscribers);
            await Task.Delay(3000);
            var idleAfter = PeakWorkingSet.Bytes(instances);
            var perIdleKb = subscribers > primers ? (idleAfter - idleBefore) / 1024.0 / (subscribers - primers) : double.NaN;
            Console.WriteLine($"idle working set {idleBefore / 1_048_576.0:F1} -> {idleAfter / 1_048_576.0:F1} MB: {perIdleKb:F1} KB per subscriber");
            if (Environment.GetEnvironmentVariable("BENCH_IDLE_HOLD_SECONDS") is { Length: > 0 } hold)
            {
                // Time to look inside the idle servers (dotnet-gcdump, dotnet-counters, /proc/PID/smaps) before the load.
                Console.WriteLine($"holding the idle subscribers {hold} s: server processes {string.Join(", ", instances.Select(p => p.Id))}");
                await Task.Delay(TimeSpan.FromSeconds(int.Parse(hold, CultureInfo.InvariantCulture)));
            }

            async Task ConnectAsync(int from, int to) =>
                await Parallel.ForAsync(from, to, new ParallelOptions { MaxDegreeOfParallelism = ConnectingAtOnce }, async (i, _) =>
                {
                    var socket = await SubscriptionReceiver.ConnectAsync(new Uri($"ws://127.0.0.1:{ports[i % 2]}/graphql"), receiverToken, Document, SubscriptionReceiver.Expected(rate, seconds, warmUp));
                    sockets[i] = socket;
                    await socket.Acknowledged;
                });

            var peaks = instances.Select(p => new PeakWorkingSet(p)).ToList();

            HttpClient[] senders = [await sender[0], await sender[1]];
            HttpClient[] receivers = [await receiver[0], await receiver[1]];
            Console.WriteLine($"warming up: {rate} changes a second for {warmUp.TotalSeconds} s");
            var warm = await ProduceAsync(senders, receivers, rate, (int)warmUp.TotalSeconds);
            ChangeTimes.Clear();
            await Task.Delay(2000);

            Console.WriteLine($"{rate} changes a second for {seconds} s");
            var cpu = new CpuTime([.. instances, Process.GetCurrentProcess()]);
            var making = Stopwatch.StartNew();
            var produced = await ProduceAsync(senders, receivers, rate, seconds);
            var madeIn = making.Elapsed.TotalSeconds;
            await Task.Delay(5000);
            var used = cpu.Used();
            var serverSeconds = cpu.Seconds()[..2].Sum();
            var pausedMs = cpu.GeneratorPausedMs;
            foreach (var peak in peaks)
            {
                await peak.DisposeAsync();
            }

            // Every event, the warm-up's too, must arrive once and in order; latency is measured on the run's own.
            var expected = warm.Keys.Concat(produced.Keys).Order().ToList();
            var lost = 0L;
            var repeated = 0L;
            var disordered = 0L;
            var latencies = new List<double>();
            var endToEnd = new List<double>();
            foreach (var socket in sockets)
            {
                var seen = socket.Received.Select(r => r.Sequence).ToList();
                var set = seen.ToHashSet();
                lost += expected.Count(s => !set.Contains(s));
                repeated += seen.Count - set.Count;
                disordered += seen.Zip(seen.Skip(1)).Count(p => p.Second <= p.First);
                var measured = socket.Received.Where(r => produced.ContainsKey(r.Sequence)).ToList();
                latencies.AddRange(measured.Select(r => (r.Arrived - r.ChangedAt).TotalMilliseconds));
                endToEnd.AddRange(measured.Select(r => (r.Arrived - produced[r.Sequence]).TotalMilliseconds));
                await socket.DisposeAsync();
            }

            latencies.Sort();
            endToEnd.Sort();
            double P(double p) => StatisticsBench.Percentile(latencies, p);
            double E(double p) => StatisticsBench.Percentile(endToEnd, p);
            var changeTimes = ChangeTimes.Order().ToList();
            var perThousand = latencies.Count > 0 ? serverSeconds / (latencies.Count / 1000.0) : double.NaN;
            return string.Create(CultureInfo.InvariantCulture, $"| {subscribers} | 2 | {warm.Count} | {produced.Count} | {madeIn:F1} | {latencies.Count} | {lost} | {repeated} | {disordered} | {P(0.5):F1} | {P(0.95):F1} | {P(0.99):F1} | {latencies.LastOrDefault():F1} | {E(0.5):F1} / {E(0.95):F1} / {E(0.99):F1} | {StatisticsBench.Percentile(changeTimes, 0.5):F1} / {StatisticsBench.Percentile(changeTimes, 0.99):F1} | {used} | {perThousand:F3} | {pausedMs:F0} | {idleBefore / 1_048_576.0:F0} / {idleAfter / 1_048_576.0:F0} | {perIdleKb:F1} | {string.Join(", ", peaks.Select(p => p.Megabytes))} | {load} |");
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

    /// <summary>Referral changes at a steady rate, alternating instances: each referral goes from SUBMITTED to COMPLETED. The sequences made, with when each one's request was sent.</summary>
    internal static async Task<ConcurrentDictionary<long, DateTime>> ProduceAsync(HttpClient[] senders, HttpClient[] receivers, int rate, int seconds)
    {
        var produced = new ConcurrentDictionary<long, DateTime>();
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
                var sent = DateTime.UtcNow;
                if (id is null)
                {
                    var created = await PostAsync(senders[instance], "mutation($input: CreateReferralInput!) { createReferral(input: $input) { referral { id } change { sequence } } }",
                        new { input = new { toOrganisation = "shelter-northern-children", kind = "DOMESTIC", services = Shelter, consent = new { givenBy = "CHILD" } } });
                    id = created["createReferral"]!["referral"]!["id"]!.GetValue<string>();
                    version = 1;
                    produced[created["createReferral"]!["change"]!["sequence"]!.GetValue<long>()] = sent;
                }
                else
                {
                    var move = moves[version - 1];
                    var moved = await PostAsync(receivers[instance], $"mutation($input: ReferralTransitionInput!) {{ {move}(input: $input) {{ change {{ sequence }} }} }}", new { input = new { referralId = id, expectedVersion = version } });
                    produced[moved[move]!["change"]!["sequence"]!.GetValue<long>()] = sent;
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
}
