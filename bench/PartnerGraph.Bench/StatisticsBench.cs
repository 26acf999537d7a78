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
    /// The scenarios, in pairs: a question asked again and again (answered from a published table, or stored after its
    /// first asking: what most requests are), and the same question new every time (a rho of its own, so that it is
    /// charged, counted from a cube, given noise on every cell and stored: the most a request can cost). Each new
    /// question asks a rho above the 0.2 a published table is measured with, more accurate than any table can answer,
    /// so that it is measured afresh.
    /// </summary>
    private static readonly (string Name, string Short, Func<int, string> Query, bool Repeats)[] Scenarios =
    [
        ("PROVINCE x QUARTER x SEX, 2017-2026 (published table)", "PQS published", _ => "{ caseStatistics(filter: { period: { from: \"2017-01-01\", to: \"2026-12-31\" } }, groupBy: [PROVINCE, QUARTER, SEX]) { total { count } cells { count suppressed } disclosureControl { source cellsSuppressed } } }", true),
        ("PROVINCE x QUARTER x SEX, 2017-2026, rho 0.5 (a new question each time, from the quarter cube)", "PQS new", i => $"{{ caseStatistics(filter: {{ period: {{ from: \"2017-01-01\", to: \"2026-12-31\" }} }}, groupBy: [PROVINCE, QUARTER, SEX], rho: {Rho(0.5, i)}) {{ total {{ count }} cells {{ count suppressed }} disclosureControl {{ source }} }} }}", false),
        ("PROVINCE x QUARTER x SEX, 2017-2026, every age band listed (a new question each time)", "PQS every age band, new", i => $"{{ caseStatistics(filter: {{ period: {{ from: \"2017-01-01\", to: \"2026-12-31\" }}, ageBands: [AGE_0_5, AGE_6_11, AGE_12_14, AGE_15_17, AGE_18_PLUS] }}, groupBy: [PROVINCE, QUARTER, SEX], rho: {Rho(0.25, i)}) {{ total {{ count }} cells {{ count suppressed }} disclosureControl {{ source }} }} }}", false),
        ("DISTRICT for Chiang Mai (TH-50) (repeat)", "DISTRICT repeat", _ => "{ caseStatistics(filter: { provinces: [\"TH-50\"] }, groupBy: [DISTRICT]) { total { count } cells { district { code } count suppressed } } }", true),
        ("DISTRICT for Chiang Mai (TH-50) (a new question each time)", "DISTRICT new", i => $"{{ caseStatistics(filter: {{ provinces: [\"TH-50\"] }}, groupBy: [DISTRICT], rho: {Rho(0.25, i)}) {{ total {{ count }} cells {{ district {{ code }} count suppressed }} disclosureControl {{ source }} }} }}", false),
    ];

    /// <summary>
    /// Every size in turn (BENCH_STATISTICS_CASES), each on its own seeded database and a server started on it: the
    /// tables of each size, then one table of p95 by size, with how each database was seeded.
    /// </summary>
    public static async Task<string> RunAsync(string server, IReadOnlyList<int> sizes, int requests, TimeSpan warmUp)
    {
        var details = new StringBuilder();
        var summary = new StringBuilder();
        summary.AppendLine(CultureInfo.InvariantCulture, $"| cases | {string.Join(" | ", Scenarios.Select(s => s.Short + " p95 ms"))} | seeding (seed-demo, streamed) |");
        summary.AppendLine(CultureInfo.InvariantCulture, $"| ---: | {string.Join(" | ", Scenarios.Select(_ => "---:"))} | --- |");
        foreach (var cases in sizes)
        {
            using var database = BenchDatabase.Prepare(server, cases);
            var (table, p95s) = await RunAsync(server, database, cases, requests, warmUp);
            details.AppendLine().Append(table);
            summary.AppendLine(CultureInfo.InvariantCulture, $"| {cases:N0} | {string.Join(" | ", p95s.Select(p => p.ToString("F1", CultureInfo.InvariantCulture)))} | {database.Seeding} |");
        }

        return summary + details.ToString();
    }

    private static string Rho(double baseline, int i) => (baseline + (i * 0.000001)).ToString("0.000000", CultureInfo.InvariantCulture);

    private static async Task<(string Table, List<double> P95s)> RunAsync(string server, BenchDatabase database, int cases, int requests, TimeSpan warmUp)
    {
        var responses = Environment.GetEnvironmentVariable("BENCH_RESPONSES") is { Length: > 0 } dir ? Path.GetFullPath(dir) : null;
        await ForgetStoredAnswersAsync(database.File);
        var port = BenchProcesses.FreePort();
        using var process = BenchProcesses.Start(server, ["--urls", $"http://127.0.0.1:{port}"], database.Environment);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await BenchProcesses.WaitReadyAsync(http);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await BenchProcesses.TokenAsync(http, BenchDatabase.ClientId));

            var table = new StringBuilder();
            var p95s = new List<double>();
            table.AppendLine(CultureInfo.InvariantCulture, $"| caseStatistics ({cases:N0} cases, {requests} sequential requests; load average {Load()} at the start) | cells | p50 ms | p95 ms | p99 ms | max ms | warm-up requests: p50 / p95 ms | peak working set MB |");
            table.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");

            foreach (var (name, _, query, repeats) in Scenarios)
            {
                // Each scenario counts its own questions: a new question's rho is its scenario's plus a millionth for
                // each question asked before it in that scenario. (Counted across scenarios, the DISTRICT question's
                // 0.01 reached 0.02 on a fast machine: the repeat scenario's question, answered as its repeat.)
                var asked = 0;
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
                    p95s.Add(Percentile(times, 0.95));
                    table.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {cells} | {Percentile(times, 0.50):F1} | {Percentile(times, 0.95):F1} | {Percentile(times, 0.99):F1} | {times[^1]:F1} | {warming.Count}: {Percentile(warming, 0.5):F1} / {Percentile(warming, 0.95):F1} | {memory.Megabytes} |");
                }
            }

            return (table.ToString(), p95s);
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
        var source = body["data"]?["caseStatistics"]?["disclosureControl"]?["source"]?.GetValue<string>();
        return source == "FRESH"
            ? elapsed
            : throw new InvalidOperationException($"A new question was not measured afresh (source {source ?? "none"}): {body["errors"]?.ToJsonString() ?? "no errors"}");
    }

    /// <summary>
    /// Forgets the answers earlier runs stored for the benchmark's organisation (the Anti-Human Trafficking Division),
    /// so that a reused database's "new" questions are new again and it does not grow by every run's answers (a
    /// thousand of them were 430 MB). The published tables and the budget ledger stay as they are.
    /// </summary>
    private static async Task ForgetStoredAnswersAsync(string file)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM StatisticsReleases WHERE Account = 'atd'";
        await command.ExecuteNonQueryAsync();
    }

    private static string Load() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string Slug(string name) => string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-'));
}
