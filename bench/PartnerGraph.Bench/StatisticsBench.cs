using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

/// <summary>
/// caseStatistics over the seeded caseload, as a partner sees it: a real server process on 127.0.0.1, a token,
/// REQUESTS sequential requests per scenario after WARMUP seconds of them (the JIT's tiers), latency percentiles on the client side, and the
/// server's peak working set. BENCH_RESPONSES=DIR writes one answer of each scenario there, to compare two builds.
/// </summary>
internal static class StatisticsBench
{
    /// <summary>
    /// The scenarios: a question asked again and again (answered from a published table, or stored after its first
    /// asking: what most requests are), and a new question every time (a rho of its own, so that it is charged,
    /// counted from a cube, given noise on every cell and stored: the most a request can cost).
    /// </summary>
    private static readonly (string Name, Func<int, string> Query, bool Repeats)[] Scenarios =
    [
        ("PROVINCE x QUARTER x SEX, 2017-2026 (published table)", _ => "{ caseStatistics(filter: { period: { from: \"2017-01-01\", to: \"2026-12-31\" } }, groupBy: [PROVINCE, QUARTER, SEX]) { total { count } cells { count suppressed } disclosureControl { source cellsSuppressed } } }", true),
        ("DISTRICT for Chiang Mai (TH-50) (repeat)", _ => "{ caseStatistics(filter: { provinces: [\"TH-50\"] }, groupBy: [DISTRICT]) { total { count } cells { district { code } count suppressed } } }", true),
        ("PROVINCE x QUARTER x SEX, 2017-2026, every age band (a new question each time)", i => $"{{ caseStatistics(filter: {{ period: {{ from: \"2017-01-01\", to: \"2026-12-31\" }}, ageBands: [AGE_0_5, AGE_6_11, AGE_12_14, AGE_15_17, AGE_18_PLUS] }}, groupBy: [PROVINCE, QUARTER, SEX], rho: {(0.01 + (i * 0.000001)).ToString("0.000000", CultureInfo.InvariantCulture)}) {{ total {{ count }} cells {{ count suppressed }} disclosureControl {{ source }} }} }}", false),
    ];

    public static async Task<string> RunAsync(string server, BenchDatabase database, int cases, int requests, TimeSpan warmUp)
    {
        var responses = Environment.GetEnvironmentVariable("BENCH_RESPONSES") is { Length: > 0 } dir ? Path.GetFullPath(dir) : null;
        var port = BenchProcesses.FreePort();
        using var process = BenchProcesses.Start(server, ["--urls", $"http://127.0.0.1:{port}"], database.Environment);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await BenchProcesses.WaitReadyAsync(http);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await BenchProcesses.TokenAsync(http, BenchDatabase.ClientId));

            var table = new StringBuilder();
            table.AppendLine(CultureInfo.InvariantCulture, $"| caseStatistics ({cases:N0} cases, {requests} sequential requests) | cells | p50 ms | p95 ms | p99 ms | max ms | warm-up requests: p50 / p95 ms | peak working set MB |");
            table.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            var asked = 0;
            foreach (var (name, query, repeats) in Scenarios)
            {
                var reader = new AnswerReader();
                var expected = (await reader.ReadAsync(http, query(asked++))).ToArray();
                var cells = CellsOf(expected);
                if (responses is not null)
                {
                    Directory.CreateDirectory(responses);
                    await File.WriteAllBytesAsync(Path.Combine(responses, $"{Slug(name)}.json"), expected);
                }

                // A started server runs tier-0 JIT code for its first seconds (requests of this scenario then take two to
                // four times as long); the target is for a server in service, so each scenario is measured once warm.
                async Task<double> TimedAsync()
                {
                    var text = query(asked++);
                    var watch = Stopwatch.StartNew();
                    var answer = await reader.ReadAsync(http, text);
                    var elapsed = watch.Elapsed.TotalMilliseconds;
                    return !repeats ? CheckedFresh(answer, elapsed)
                        : answer.Span.SequenceEqual(expected) ? elapsed : throw new InvalidOperationException($"{name}: the answer changed between requests");
                }

                var warming = new List<double>();
                for (var warm = Stopwatch.StartNew(); warm.Elapsed < warmUp;)
                {
                    warming.Add(await TimedAsync());
                }

                warming.Sort();

                var times = new List<double>();
                await using (var memory = new PeakWorkingSet(process))
                {
                    for (var i = 0; i < requests; i++)
                    {
                        times.Add(await TimedAsync());
                    }

                    times.Sort();
                    table.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {cells} | {Percentile(times, 0.50):F1} | {Percentile(times, 0.95):F1} | {Percentile(times, 0.99):F1} | {times[^1]:F1} | {warming.Count}: {Percentile(warming, 0.5):F1} / {Percentile(warming, 0.95):F1} | {memory.Megabytes} |");
                }
            }

            return table.ToString();
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>The value below which that share of the sorted values lie (nearest rank).</summary>
    public static double Percentile(List<double> sorted, double share) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(share * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>
    /// Reads answers into one reused buffer: the load generator shares the server's two cores, so it must not add
    /// garbage collections of its own (a new 310 KB array per answer is a large-object allocation) to what it times.
    /// </summary>
    private sealed class AnswerReader
    {
        private byte[] buffer = new byte[1 << 20];

        public async Task<ReadOnlyMemory<byte>> ReadAsync(HttpClient http, string query)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(JsonSerializer.Serialize(new { query }), Encoding.UTF8, "application/json") };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync();
            var length = 0;
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(length))) > 0)
            {
                length += read;
                if (length == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
            }

            return buffer.AsMemory(0, length);
        }
    }

    private static int CellsOf(byte[] answer)
    {
        var body = JsonNode.Parse(answer)!;
        if (body["errors"] is not null)
        {
            throw new InvalidOperationException(body.ToJsonString());
        }

        return body["data"]!["caseStatistics"]!["cells"]!.AsArray().Count;
    }

    /// <summary>A new question's answer must be a fresh measurement, not an error (a spent budget) nor a stored answer.</summary>
    private static double CheckedFresh(ReadOnlyMemory<byte> answer, double elapsed)
    {
        var body = JsonNode.Parse(answer.Span)!;
        return body["data"]?["caseStatistics"]?["disclosureControl"]?["source"]?.GetValue<string>() == "FRESH"
            ? elapsed
            : throw new InvalidOperationException($"A new question was not measured afresh: {body.ToJsonString()[..Math.Min(300, body.ToJsonString().Length)]}");
    }

    private static string Slug(string name) => string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-'));
}
