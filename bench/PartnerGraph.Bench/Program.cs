using System.Globalization;
using System.Text;

// Every benchmark against the real server, as partners use it. Usage: PartnerGraph.Bench [all|statistics|referrals|subscriptions|floor|import|webhooks]
// (subscriptions ends with the floor under it, a bare WebSocket broadcast; floor measures that alone).
// Sizes come from the environment (defaults in brackets): BENCH_CASES [1000000] for referrals, BENCH_STATISTICS_CASES
// [1000000,3000000,10000000] one after another for statistics, BENCH_REQUESTS [200] sequential
// caseStatistics requests per scenario after BENCH_WARMUP_SECONDS [10] of them, BENCH_SECONDS [15] per referrals load point, BENCH_SUBSCRIBERS [1000],
// BENCH_RATE [20] changes a second, BENCH_SUBSCRIPTION_SECONDS [60] after BENCH_SUBSCRIPTION_WARMUP_SECONDS [30] of them,
// BENCH_SUBSCRIBER_CURVE [1000,2000,5000] one subscriptions run per number (BENCH_SUBSCRIBERS alone: that one; the floor at the largest),
// BENCH_SEND_INTERVAL_MS [50, the server's default] between two writes to one subscriber, on the servers and on the floor's.
// BENCH_DATABASE=/folder keeps the seeded databases (one per size and generator version). BENCH_IMPORT_ROWS [1000000] rows in the import scenario's file.
// Webhooks: BENCH_WEBHOOK_ENDPOINTS [10], BENCH_WEBHOOK_RATE [5] changes a second for BENCH_WEBHOOK_SECONDS [30] after BENCH_WEBHOOK_WARMUP_SECONDS [5],
// BENCH_WEBHOOK_BACKLOG [100] changes made while the endpoints are disabled, then replayed.
// PartnerGraph.Bench cases-csv FILE ROWS writes that file alone (synthetic, valid for --org atd).
// PartnerGraph.Bench seed CASES seeds (or reuses) the database of that size under BENCH_DATABASE, and nothing else.
// PartnerGraph.Bench load URL graphql|raw CONNECTIONS SECONDS loads a running server for a profiler (bench/README.md).
var verb = args.Length > 0 ? args[0] : "all";
if (args is ["load", var url, var target, var connectionCount, var loadSeconds])
{
    Console.WriteLine(await ReferralsBench.LoadOnlyAsync(FindRoot(), new Uri(url), target, int.Parse(connectionCount, CultureInfo.InvariantCulture), TimeSpan.FromSeconds(int.Parse(loadSeconds, CultureInfo.InvariantCulture))));
    return 0;
}

if (args is ["cases-csv", var csvPath, var csvRows])
{
    CaseCsv.Write(csvPath, int.Parse(csvRows, CultureInfo.InvariantCulture));
    return 0;
}

if (args is ["seed", var seedCases])
{
    // Seeds (or reuses) the database of that size under BENCH_DATABASE, as the statistics scenario would, and stops.
    using var seeded = BenchDatabase.Prepare(BenchProcesses.ServerPath(FindRoot()), int.Parse(seedCases, CultureInfo.InvariantCulture));
    Console.WriteLine($"{seeded.File}: {seeded.Seeding}");
    return 0;
}

if (args is ["broadcast-server", var port, var intervalMs])
{
    await BroadcastFloor.ServeAsync(int.Parse(port, CultureInfo.InvariantCulture), TimeSpan.FromMilliseconds(int.Parse(intervalMs, CultureInfo.InvariantCulture)));
    return 0;
}

string[] verbs = ["all", "statistics", "referrals", "subscriptions", "floor", "import", "webhooks"];
if (!verbs.Contains(verb))
{
    Console.Error.WriteLine($"usage: PartnerGraph.Bench [{string.Join('|', verbs)}]");
    return 2;
}

var root = FindRoot();
var server = BenchProcesses.ServerPath(root);
var machine = BenchProcesses.Machine();
var cases = Setting("BENCH_CASES", 1_000_000);
var sections = new StringBuilder();
if (verb is "all" or "statistics")
{
    var sizes = (Environment.GetEnvironmentVariable("BENCH_STATISTICS_CASES") is { Length: > 0 } list ? list : "1000000,3000000,10000000")
        .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n => int.Parse(n, CultureInfo.InvariantCulture)).ToList();
    Add("caseStatistics over the seeded case records", await StatisticsBench.RunAsync(server, sizes, Setting("BENCH_REQUESTS", 200), TimeSpan.FromSeconds(Setting("BENCH_WARMUP_SECONDS", 10))));
}

if (verb is "all" or "referrals")
{
    using var database = BenchDatabase.Prepare(server, cases);
    {
        Add("A page of referrals: GraphQL against the raw endpoint", await ReferralsBench.RunAsync(root, server, database, TimeSpan.FromSeconds(Setting("BENCH_SECONDS", 15))));
    }
}

if (verb is "all" or "subscriptions" or "floor")
{
    var rate = Setting("BENCH_RATE", 20);
    var seconds = Setting("BENCH_SUBSCRIPTION_SECONDS", 60);
    var curve = SubscriberCurve();
    var subscribers = curve.Max();
    var warmUp = TimeSpan.FromSeconds(Setting("BENCH_SUBSCRIPTION_WARMUP_SECONDS", 30));
    var interval = Setting("BENCH_SEND_INTERVAL_MS", 50);
    if (verb != "floor")
    {
        Add($"Subscription fan-out: {rate} changes a second for {seconds} s over two instances and redis-server, writes to a subscriber at most every {interval} ms", await SubscriptionBench.RunCurveAsync(server, curve, rate, seconds, warmUp, interval));
    }

    Add($"The floor: a bare WebSocket broadcast of {rate} events a second to the same receivers, writes to a receiver at most every {interval} ms", await BroadcastFloor.RunAsync(subscribers, rate, seconds, warmUp, interval));
}

if (verb is "all" or "import")
{
    var rows = Setting("BENCH_IMPORT_ROWS", 1_000_000);
    Add($"import-cases of {rows:N0} rows into SQLite", await ImportBench.RunAsync(server, rows));
}

if (verb is "all" or "webhooks")
{
    var endpoints = Setting("BENCH_WEBHOOK_ENDPOINTS", 10);
    var rate = Setting("BENCH_WEBHOOK_RATE", 5);
    Add($"Webhooks: {endpoints} endpoints over two instances on one SQLite file, {rate} changes a second, then a backlog replayed", await WebhookBench.RunAsync(server, endpoints, rate, Setting("BENCH_WEBHOOK_SECONDS", 30), Setting("BENCH_WEBHOOK_WARMUP_SECONDS", 5), Setting("BENCH_WEBHOOK_BACKLOG", 100)));
}

var results = Path.Combine(root, "bench", $"results-{verb}.md");
await File.WriteAllTextAsync(results, $"# Benchmark results ({verb})\n\nMeasured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {machine}. The server, SQLite, redis-server and the load generator share this machine.\n{sections}");
Console.WriteLine(sections);
Console.WriteLine($"written to {results}");
return 0;

void Add(string title, string table)
{
    sections.Append(CultureInfo.InvariantCulture, $"\n## {title}\n\n{table}");
    Console.WriteLine(table);
}

// The subscription cost curve: BENCH_SUBSCRIBER_CURVE, else BENCH_SUBSCRIBERS alone, else 1,000, 2,000 and 5,000.
static int[] SubscriberCurve() =>
    Environment.GetEnvironmentVariable("BENCH_SUBSCRIBER_CURVE") is { Length: > 0 } curve
        ? [.. curve.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n => int.Parse(n, CultureInfo.InvariantCulture))]
        : Environment.GetEnvironmentVariable("BENCH_SUBSCRIBERS") is { Length: > 0 } one ? [int.Parse(one, CultureInfo.InvariantCulture)] : [1000, 2000, 5000];

static int Setting(string name, int fallback) =>
    Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

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
