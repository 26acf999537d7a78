using System.Diagnostics;
using System.Globalization;
using PartnerGraph.Data.Demo;

/// <summary>
/// The seeded SQLite database the statistics and referrals scenarios read: the synthetic demo data at CASES case
/// records (streamed: generated in recording order as the import's writer takes them, never all in memory) and 5,000
/// referrals, and a benchmark client of the Anti-Human Trafficking Division. BENCH_DATABASE=/folder keeps each size's
/// database there (bench-CASES-sVERSION.db, VERSION the streamed generator's) and reuses it on the next run; a
/// database of another generator version is not reused but seeded anew beside it.
/// </summary>
internal sealed class BenchDatabase : IDisposable
{
    public const string ClientId = "bench";
    public const string ClientSecret = "bench-only-secret-0123456789abcdef";

    /// <summary>SQLite's write-ahead log and its index, beside a database file while it is open.</summary>
    private static readonly string[] SidecarFiles = ["-wal", "-shm"];

    /// <summary>Every file a database leaves beside it: the two of SQLite's and the server's writer lock.</summary>
    private static readonly string[] Leftovers = ["-wal", "-shm", "-writer"];

    private readonly bool temporary;

    private BenchDatabase(string file, bool temporary, Dictionary<string, string> environment, string seeding)
    {
        File = file;
        this.temporary = temporary;
        Environment = environment;
        Seeding = seeding;
    }

    public string File { get; }

    /// <summary>What a server process on this database needs: Development (demo data), quiet logs, no rate limit in the way.</summary>
    public Dictionary<string, string> Environment { get; }

    /// <summary>How this database was seeded: wall seconds, the seeding process's peak working set, when and under what load.</summary>
    public string Seeding { get; }

    /// <summary>The file of a database of that many cases in the folder, named by size and generator version.</summary>
    public static string FileFor(string folder, int cases) =>
        Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"bench-{cases}-s{DemoData.StreamVersion}.db"));

    public static BenchDatabase Prepare(string server, int cases)
    {
        var kept = System.Environment.GetEnvironmentVariable("BENCH_DATABASE") is { Length: > 0 } path ? Path.GetFullPath(path) : null;
        if (kept is not null && System.IO.File.Exists(kept))
        {
            throw new InvalidOperationException($"BENCH_DATABASE names a folder now (a database per size and generator version in it), not a file: {kept}");
        }

        var folder = kept ?? Path.Combine(Path.GetTempPath(), $"partnergraph-bench-{System.Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        var file = FileFor(folder, cases);
        var environment = Streamed(EnvironmentFor(file, cases));
        var record = file + ".seeding.txt";
        if (System.IO.File.Exists(file))
        {
            // Applies any new migration; the demo data is there already.
            BenchProcesses.Run(server, ["migrate"], environment);
            Console.WriteLine($"reusing {file}");
        }
        else
        {
            // Seeded under another name and renamed when complete: an interrupted seed is never taken for a database.
            var partial = file + ".partial";
            foreach (var stale in Leftovers.Select(s => partial + s).Append(partial).Where(System.IO.File.Exists))
            {
                System.IO.File.Delete(stale);
            }

            var load = Load();
            var seeding = Stopwatch.StartNew();
            long peakMb;
            using (var process = BenchProcesses.Start(server, ["seed-demo"], Streamed(EnvironmentFor(partial, cases)), quiet: true))
            {
                peakMb = PeakMegabytesUntilExit(process);
                if (process.ExitCode != 0)
                {
                    throw new InvalidOperationException("seed-demo failed");
                }
            }

            var seconds = seeding.Elapsed.TotalSeconds;
            foreach (var suffix in SidecarFiles.Where(s => System.IO.File.Exists(partial + s)))
            {
                System.IO.File.Move(partial + suffix, file + suffix, overwrite: true);
            }

            System.IO.File.Move(partial, file);
            if (System.IO.File.Exists(partial + "-writer"))
            {
                System.IO.File.Delete(partial + "-writer");
            }
            System.IO.File.WriteAllText(record, string.Create(CultureInfo.InvariantCulture, $"{seconds:F0} s, peak working set {peakMb} MB (seed-demo, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {load})"));
            Console.WriteLine($"seeded {cases:N0} case records in {seconds:F0} s, peak working set {peakMb} MB");
        }

        if (BenchProcesses.RunForExitCode(server, ["clients", "rotate-secret", "--client-id", ClientId, "--secret", ClientSecret], environment) != 0)
        {
            BenchProcesses.Run(server, ["clients", "add", "--org", "atd", "--client-id", ClientId, "--scopes", "statistics.read coverage.read referrals.read", "--secret", ClientSecret], environment);
        }

        var seeded = System.IO.File.Exists(record) ? System.IO.File.ReadAllText(record).Trim() : "not recorded";
        return new BenchDatabase(file, kept is null, environment, seeded);
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

    /// <summary>The cases streamed as they are written (Demo:StreamCases): the same generator at every size, none held whole.</summary>
    private static Dictionary<string, string> Streamed(Dictionary<string, string> environment)
    {
        environment["Demo__StreamCases"] = "true";
        return environment;
    }

    /// <summary>
    /// Waits for the process to end, reading the kernel's record of its largest resident set (VmHWM) meanwhile: the
    /// true peak, not a sample of it, up to the last reading a tenth of a second before the end.
    /// </summary>
    private static long PeakMegabytesUntilExit(System.Diagnostics.Process process)
    {
        long peakKb = 0;
        var status = $"/proc/{process.Id}/status";
        while (!process.WaitForExit(100))
        {
            try
            {
                var line = System.IO.File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
                if (line is not null)
                {
                    peakKb = Math.Max(peakKb, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture));
                }
            }
            catch (IOException)
            {
                // It ended between the wait and the reading.
            }
        }

        return peakKb / 1024;
    }

    private static string Load() =>
        System.IO.File.Exists("/proc/loadavg") ? string.Join(' ', System.IO.File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    public void Dispose()
    {
        if (temporary)
        {
            foreach (var suffix in Leftovers.Append(string.Empty).Append(".seeding.txt").Where(s => System.IO.File.Exists(File + s)))
            {
                System.IO.File.Delete(File + suffix);
            }

            if (!Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(File)!).Any())
            {
                Directory.Delete(Path.GetDirectoryName(File)!);
            }
        }
    }
}
