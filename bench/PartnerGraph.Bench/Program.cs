using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

// caseStatistics over a large synthetic caseload, measured as a partner sees it: a real server process on
// 127.0.0.1, a token, sequential requests, latency percentiles. Usage: PartnerGraph.Bench [CASES] [REQUESTS]
if (args is ["subscriptions", .. var subscriptionArgs])
{
    await SubscriptionBench.RunAsync(FindRoot(), subscriptionArgs);
    return;
}

var cases = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
var requests = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
var root = FindRoot();
var server = Path.Combine(root, "src", "PartnerGraph.Server", "bin", "Release", "net10.0", "PartnerGraph.Server.dll");
// BENCH_DATABASE=/tmp/x.db keeps the seeded database there and reuses it on the next run (seeding a million cases
// takes minutes); BENCH_RESPONSES=DIR writes one answer of each scenario there, to compare the figures of two builds.
var kept = Environment.GetEnvironmentVariable("BENCH_DATABASE") is { Length: > 0 } path ? Path.GetFullPath(path) : null;
var responses = Environment.GetEnvironmentVariable("BENCH_RESPONSES") is { Length: > 0 } dir ? Path.GetFullPath(dir) : null;
var folder = kept is null ? Directory.CreateTempSubdirectory("partnergraph-bench-").FullName : Path.GetDirectoryName(kept)!;
var databaseFile = kept ?? Path.Combine(folder, "bench.db");
var reused = File.Exists(databaseFile);
var database = $"Data Source={databaseFile}";
var environment = new Dictionary<string, string>
{
    ["ASPNETCORE_ENVIRONMENT"] = "Development",
    ["ConnectionStrings__PartnerGraph"] = database,
    ["Demo__CaseRecords"] = cases.ToString(CultureInfo.InvariantCulture),
    ["Demo__Referrals"] = "5000",
    ["Logging__LogLevel__Default"] = "Warning",
    ["GraphQL__Limits__RequestsPerMinute"] = "1000000",
    ["GraphQL__Limits__Burst"] = "100000",
};

if (reused)
{
    // Applies any new migration; the demo data is there already, whatever its size.
    BenchProcesses.Run(server, ["migrate"], environment);
    if (RunForExitCode(server, ["clients", "rotate-secret", "--client-id", "bench", "--secret", "bench-only-secret"], environment) != 0)
    {
        BenchProcesses.Run(server, ["clients", "add", "--org", "atd", "--client-id", "bench", "--scopes", "statistics.read coverage.read", "--secret", "bench-only-secret"], environment);
    }

    Console.WriteLine($"reusing {databaseFile}");
}
else
{
    var seeding = Stopwatch.StartNew();
    BenchProcesses.Run(server, ["seed-demo"], environment);
    Console.WriteLine($"seeded {cases:N0} case records in {seeding.Elapsed.TotalSeconds:F0} s");
    BenchProcesses.Run(server, ["clients", "add", "--org", "atd", "--client-id", "bench", "--scopes", "statistics.read coverage.read", "--secret", "bench-only-secret"], environment);
}

var port = BenchProcesses.FreePort();
using var process = BenchProcesses.Start(server, ["--urls", $"http://127.0.0.1:{port}"], environment);
try
{
    using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    await BenchProcesses.WaitReadyAsync(http);
    var token = await TokenAsync(http);
    http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

    var scenarios = new (string Name, string Query)[]
    {
        ("PROVINCE x QUARTER x SEX, 2017-2026", "{ caseStatistics(filter: { period: { from: \"2017-01-01\", to: \"2026-12-31\" } }, groupBy: [PROVINCE, QUARTER, SEX]) { total { count } cells { count suppressed } disclosureControl { primarySuppressed secondarySuppressed } } }"),
        ("DISTRICT for Chiang Mai (TH-50)", "{ caseStatistics(filter: { provinces: [\"TH-50\"] }, groupBy: [DISTRICT]) { total { count } cells { district { code } count suppressed } } }"),
    };

    var table = new StringBuilder();
    table.AppendLine(CultureInfo.InvariantCulture, $"| scenario ({cases:N0} cases, {requests} sequential requests) | cells | p50 ms | p95 ms | p99 ms | max ms |");
    table.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: |");
    foreach (var (name, query) in scenarios)
    {
        var cells = 0;
        for (var i = 0; i < 10; i++)
        {
            cells = await QueryAsync(http, query, i == 0 && responses is not null ? Path.Combine(responses, $"{Slug(name)}.json") : null);
        }

        var times = new List<double>();
        for (var i = 0; i < requests; i++)
        {
            var watch = Stopwatch.StartNew();
            await QueryAsync(http, query);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        double P(double p) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(p * times.Count) - 1)];
        table.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {cells} | {P(0.50):F1} | {P(0.95):F1} | {P(0.99):F1} | {times[^1]:F1} |");
    }

    Console.WriteLine(table);
    var results = Path.Combine(root, "bench", "results-statistics.md");
    await File.WriteAllTextAsync(results, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, SQLite.\n\n{table}");
    Console.WriteLine($"written to {results}");
}
finally
{
    process.Kill(entireProcessTree: true);
    if (kept is null)
    {
        Directory.Delete(folder, recursive: true);
    }
}

static async Task<int> QueryAsync(HttpClient http, string query, string? saveTo = null)
{
    using var response = await http.PostAsync("/graphql", new StringContent(JsonSerializer.Serialize(new { query }), Encoding.UTF8, "application/json"));
    var text = await response.Content.ReadAsStringAsync();
    if (saveTo is not null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(saveTo)!);
        await File.WriteAllTextAsync(saveTo, text);
    }

    var body = JsonNode.Parse(text)!;
    if (body["errors"] is not null)
    {
        throw new InvalidOperationException(body.ToJsonString());
    }

    return body["data"]!["caseStatistics"]!["cells"]!.AsArray().Count;
}

static async Task<string> TokenAsync(HttpClient http)
{
    var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = "bench",
        ["client_secret"] = "bench-only-secret",
    }));
    return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
}

static int RunForExitCode(string server, string[] args, Dictionary<string, string> environment)
{
    using var process = BenchProcesses.Start(server, args, environment);
    process.WaitForExit();
    return process.ExitCode;
}

static string Slug(string name) => string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-'));

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "PartnerGraph.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("PartnerGraph.sln not found");
}
