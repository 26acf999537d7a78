using System.Diagnostics;
using System.Globalization;

/// <summary>
/// The seeded SQLite database the statistics and referrals scenarios read: the synthetic demo data at CASES case
/// records and 5,000 referrals, and a benchmark client of the Anti-Human Trafficking Division. BENCH_DATABASE=/path
/// keeps it there and reuses it on the next run (seeding a million cases takes minutes).
/// </summary>
internal sealed class BenchDatabase : IDisposable
{
    public const string ClientId = "bench";
    public const string ClientSecret = "bench-only-secret-0123456789abcdef";

    private readonly string? temporaryFolder;

    private BenchDatabase(string file, string? temporaryFolder, Dictionary<string, string> environment)
    {
        File = file;
        this.temporaryFolder = temporaryFolder;
        Environment = environment;
    }

    public string File { get; }

    /// <summary>What a server process on this database needs: Development (demo data), quiet logs, no rate limit in the way.</summary>
    public Dictionary<string, string> Environment { get; }

    public static BenchDatabase Prepare(string server, int cases)
    {
        var kept = System.Environment.GetEnvironmentVariable("BENCH_DATABASE") is { Length: > 0 } path ? Path.GetFullPath(path) : null;
        var temporary = kept is null ? Directory.CreateTempSubdirectory("partnergraph-bench-").FullName : null;
        var file = kept ?? Path.Combine(temporary!, "bench.db");
        var environment = EnvironmentFor(file, cases);
        if (System.IO.File.Exists(file))
        {
            // Applies any new migration; the demo data is there already, whatever its size.
            BenchProcesses.Run(server, ["migrate"], environment);
            Console.WriteLine($"reusing {file}");
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var seeding = Stopwatch.StartNew();
            BenchProcesses.Run(server, ["seed-demo"], environment);
            Console.WriteLine($"seeded {cases:N0} case records in {seeding.Elapsed.TotalSeconds:F0} s");
        }

        if (BenchProcesses.RunForExitCode(server, ["clients", "rotate-secret", "--client-id", ClientId, "--secret", ClientSecret], environment) != 0)
        {
            BenchProcesses.Run(server, ["clients", "add", "--org", "atd", "--client-id", ClientId, "--scopes", "statistics.read coverage.read referrals.read", "--secret", ClientSecret], environment);
        }

        return new BenchDatabase(file, temporary, environment);
    }

    public static Dictionary<string, string> EnvironmentFor(string file, int cases) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Development",
        ["ConnectionStrings__PartnerGraph"] = $"Data Source={file}",
        ["Demo__CaseRecords"] = cases.ToString(CultureInfo.InvariantCulture),
        ["Demo__Referrals"] = "5000",
        ["Demo__Seed"] = "false",
        ["Logging__LogLevel__Default"] = "Warning",
        ["GraphQL__Limits__RequestsPerMinute"] = "10000000",
        ["GraphQL__Limits__Burst"] = "1000000",
        // The statistics benchmark asks hundreds of new questions (each charged): budgets no organisation would have.
        ["Statistics__Privacy__RhoPerQuarter"] = "100000",
        ["Statistics__Privacy__SystemRhoPerQuarter"] = "1000000",
        // The load generator is one client holding a thousand sockets (the subscription benchmark).
        ["GraphQL__Limits__MaxConnectionsPerClient"] = "100000",
        ["GraphQL__Limits__MaxSubscriptionsPerClient"] = "100000",
    };

    public void Dispose()
    {
        if (temporaryFolder is not null)
        {
            Directory.Delete(temporaryFolder, recursive: true);
        }
    }
}
