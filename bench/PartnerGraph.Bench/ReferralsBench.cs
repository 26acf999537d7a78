using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

/// <summary>
/// A page of 50 referrals with their organisations and history, through GraphQL over HTTP and through the raw
/// minimal-API endpoint loaded into the same server process (PartnerGraph.Bench.RawBaseline), which answers the same JSON from the same
/// database with the same obligations. Both are loaded in the same run at 1, 8 and 32 concurrent connections by a
/// closed-loop load generator (each connection sends its next request when the answer has arrived); throughput,
/// latency, the GraphQL/raw ratio and the server's peak working set are reported. No response cache on either side.
/// </summary>
internal static class ReferralsBench
{
    private const int PageSize = 50;
    private static readonly int[] Connections = [1, 8, 32];

    public static async Task<string> RunAsync(string root, string server, BenchDatabase database, TimeSpan duration)
    {
        var port = BenchProcesses.FreePort();
        var environment = new Dictionary<string, string>(database.Environment);
        foreach (var (name, value) in PartnerGraph.Bench.RawBaseline.RawBaselineStartup.ServerEnvironment)
        {
            environment[name] = value;
        }

        using var process = BenchProcesses.Start(server, ["--urls", $"http://127.0.0.1:{port}"], environment);
        try
        {
            var address = new Uri($"http://127.0.0.1:{port}");
            using var http = new HttpClient { BaseAddress = address };
            await BenchProcesses.WaitReadyAsync(http);
            var (GraphQL, Raw) = await RequestsAsync(root, http);
            var sizes = await CheckSameAnswerAsync(http, GraphQL(), Raw());
            var table = new StringBuilder();
            table.AppendLine(CultureInfo.InvariantCulture, $"| referrals page ({PageSize} with organisations and history; {sizes.GraphQL:N0} / {sizes.Raw:N0} bytes) | connections | raw req/s | raw p50 / p99 ms | GraphQL req/s | GraphQL p50 / p99 ms | GraphQL / raw | peak working set raw / GraphQL MB |");
            table.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var connections in Connections)
            {
                var (raw, graphQL) = await CompareAsync(address, Raw, GraphQL, connections, duration, process);
                Console.WriteLine($"{connections} connections: raw {raw}; GraphQL {graphQL}");
                table.AppendLine(CultureInfo.InvariantCulture, $"| {PageSize} referrals | {connections} | {raw.PerSecond:F0} | {raw.P50:F1} / {raw.P99:F1} | {graphQL.PerSecond:F0} | {graphQL.P50:F1} / {graphQL.P99:F1} | **{graphQL.PerSecond / raw.PerSecond:F2}** | {raw.PeakMegabytes} / {graphQL.PeakMegabytes} |");
            }

            return table.ToString();
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>
    /// Loads a server that is already running (started with RawBaselineStartup.ServerEnvironment for raw) with one kind of request, for a profiler
    /// to watch: PartnerGraph.Bench load URL graphql|raw CONNECTIONS SECONDS.
    /// </summary>
    public static async Task<string> LoadOnlyAsync(string root, Uri address, string target, int connections, TimeSpan duration)
    {
        using var http = new HttpClient { BaseAddress = address };
        var (graphQL, raw) = await RequestsAsync(root, http);
        var load = await LoadAsync(address, target == "raw" ? raw : graphQL, connections, duration, server: null);
        return $"{target} at {connections} connections: {load}";
    }

    /// <summary>Makers of the two requests for one page, with a token of the benchmark client.</summary>
    private static async Task<(Func<HttpRequestMessage> GraphQL, Func<HttpRequestMessage> Raw)> RequestsAsync(string root, HttpClient http)
    {
        var token = await BenchProcesses.TokenAsync(http, BenchDatabase.ClientId);
        var document = await File.ReadAllTextAsync(Path.Combine(root, "bench", "referral-page.graphql"));
        var body = JsonSerializer.SerializeToUtf8Bytes(new { query = document, variables = new { first = PageSize } });
        return (GraphQL, Raw);

        HttpRequestMessage GraphQL()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return request;
        }

        HttpRequestMessage Raw()
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/bench/raw-referrals?first={PageSize}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return request;
        }
    }

    /// <summary>Both endpoints answer the same JSON (compared as JSON values), or the comparison would be meaningless.</summary>
    private static async Task<(int GraphQL, int Raw)> CheckSameAnswerAsync(HttpClient http, HttpRequestMessage graphQL, HttpRequestMessage raw)
    {
        using var graphQLResponse = await http.SendAsync(graphQL);
        using var rawResponse = await http.SendAsync(raw);
        var graphQLText = await graphQLResponse.Content.ReadAsStringAsync();
        var rawText = await rawResponse.Content.ReadAsStringAsync();
        var graphQLJson = JsonNode.Parse(graphQLText);
        if (graphQLResponse.StatusCode != HttpStatusCode.OK || rawResponse.StatusCode != HttpStatusCode.OK || !JsonNode.DeepEquals(graphQLJson, JsonNode.Parse(rawText)))
        {
            throw new InvalidOperationException($"The endpoints answer differently:\nGraphQL {graphQLResponse.StatusCode}: {graphQLText}\nraw {rawResponse.StatusCode}: {rawText}");
        }

        if (graphQLJson!["data"]!["referrals"]!["nodes"]!.AsArray().Count != PageSize)
        {
            throw new InvalidOperationException($"The benchmark client's organisation has fewer than {PageSize} referrals.");
        }

        return (Encoding.UTF8.GetByteCount(graphQLText), Encoding.UTF8.GetByteCount(rawText));
    }

    private sealed record Load(double PerSecond, double P50, double P99, long PeakMegabytes)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{PerSecond:F0} req/s, p50 {P50:F1} ms, p99 {P99:F1} ms, {PeakMegabytes} MB");
    }

    /// <summary>How many turns each side takes: alternating short turns, so that a drift in the machine's speed during the run falls on both sides alike.</summary>
    private const int Turns = 5;

    /// <summary>Raw and GraphQL at CONNECTIONS, each warmed up for 3 s, then measured in alternating turns for DURATION each in all.</summary>
    private static async Task<(Load Raw, Load GraphQL)> CompareAsync(Uri address, Func<HttpRequestMessage> raw, Func<HttpRequestMessage> graphQL, int connections, TimeSpan duration, Process server)
    {
        using var rawSide = new Side(address, raw, connections);
        using var graphQLSide = new Side(address, graphQL, connections);
        await rawSide.WarmAsync();
        await graphQLSide.WarmAsync();
        for (var turn = 0; turn < Turns; turn++)
        {
            await rawSide.MeasureAsync(duration / Turns, server);
            await graphQLSide.MeasureAsync(duration / Turns, server);
        }

        return (rawSide.Result(), graphQLSide.Result());
    }

    private static async Task<Load> LoadAsync(Uri address, Func<HttpRequestMessage> request, int connections, TimeSpan duration, Process? server)
    {
        using var side = new Side(address, request, connections);
        await side.WarmAsync();
        await side.MeasureAsync(duration, server);
        return side.Result();
    }

    /// <summary>
    /// One kind of request sent by CONNECTIONS closed loops (each sends its next request when the last answer is
    /// read) over connections of its own; its measured turns add up.
    /// </summary>
    private sealed class Side(Uri address, Func<HttpRequestMessage> request, int connections) : IDisposable
    {
        private readonly SocketsHttpHandler handler = new() { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        private readonly List<double> latencies = [];
        private double seconds;
        private long peakMegabytes;

        private HttpClient Http => field ??= new HttpClient(handler, disposeHandler: false) { BaseAddress = address };

        public async Task WarmAsync() => await RunLoopsAsync(Http, request, connections, TimeSpan.FromSeconds(3));

        public async Task MeasureAsync(TimeSpan duration, Process? server)
        {
            await using var memory = server is null ? null : new PeakWorkingSet(server);
            var watch = Stopwatch.StartNew();
            latencies.AddRange(await RunLoopsAsync(Http, request, connections, duration));
            seconds += watch.Elapsed.TotalSeconds;
            peakMegabytes = Math.Max(peakMegabytes, memory?.Megabytes ?? 0);
        }

        public Load Result()
        {
            latencies.Sort();
            return new Load(latencies.Count / seconds, StatisticsBench.Percentile(latencies, 0.50), StatisticsBench.Percentile(latencies, 0.99), peakMegabytes);
        }

        public void Dispose()
        {
            Http.Dispose();
            handler.Dispose();
        }
    }

    /// <summary>The latencies of the answered requests; any other answer fails the benchmark.</summary>
    private static async Task<List<double>> RunLoopsAsync(HttpClient http, Func<HttpRequestMessage> request, int connections, TimeSpan duration)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var failed = 0L;
        var loops = await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            var latencies = new List<double>();
            var buffer = new byte[64 * 1024];
            while (Stopwatch.GetTimestamp() < end)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request(), HttpCompletionOption.ResponseHeadersRead);
                await using (var stream = await response.Content.ReadAsStreamAsync())
                {
                    while (await stream.ReadAsync(buffer) > 0)
                    {
                    }
                }

                if (response.StatusCode == HttpStatusCode.OK)
                {
                    latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }
            }

            return latencies;
        }));
        return failed == 0 ? loops.SelectMany(l => l).ToList() : throw new InvalidOperationException($"{failed} requests failed under load");
    }
}
