using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;

/// <summary>The server processes a benchmark starts, as partners run them: on 127.0.0.1, ready when /readyz says so.</summary>
internal static class BenchProcesses
{
    public static string ServerPath(string root) =>
        Path.Combine(root, "src", "PartnerGraph.Server", "bin", "Release", "net10.0", "PartnerGraph.Server.dll");

    public static void Run(string server, string[] args, Dictionary<string, string> environment)
    {
        if (RunForExitCode(server, args, environment) != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', args)} failed");
        }
    }

    public static int RunForExitCode(string server, string[] args, Dictionary<string, string> environment)
    {
        using var process = Start(server, args, environment);
        process.WaitForExit();
        return process.ExitCode;
    }

    public static Process Start(string server, string[] args, Dictionary<string, string> environment, bool quiet = false)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(server)!, UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = quiet };
        info.ArgumentList.Add(server);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        // The load generator's own tuning (bench/run.sh) stays with it: the servers run as they would in production.
        info.Environment.Remove("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS");
        info.Environment.Remove("DOTNET_GCgen0size");
        var process = Process.Start(info)!;
        process.StandardInput.Close();
        if (quiet)
        {
            process.OutputDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
        }

        return process;
    }

    public static async Task WaitReadyAsync(HttpClient http)
    {
        for (var i = 0; i < 600; i++)
        {
            try
            {
                if ((await http.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("the server did not become ready");
    }

    /// <summary>An access token of a benchmark client (client credentials).</summary>
    public static async Task<string> TokenAsync(HttpClient http, string clientId)
    {
        using var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = BenchDatabase.ClientSecret,
        }));
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>();
    }

    public static async Task<HttpClient> AuthorisedAsync(Uri server, string clientId)
    {
        var client = new HttpClient { BaseAddress = server };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(client, clientId));
        return client;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The machine, as the results table describes it: CPU model, cores, memory, OS, .NET, load average.</summary>
    public static string Machine()
    {
        static string? Line(string file, string prefix) =>
            File.Exists(file) ? File.ReadLines(file).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() : null;
        var cpu = Line("/proc/cpuinfo", "model name") ?? "unknown CPU";
        var memory = Line("/proc/meminfo", "MemTotal") is { } kb ? $"{long.Parse(kb.Split(' ')[0], CultureInfo.InvariantCulture) / 1_048_576.0:F0} GiB" : "unknown memory";
        var load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
        return $"{Environment.ProcessorCount} cores ({cpu}), {memory}, {Environment.OSVersion}, .NET {Environment.Version}; load average {load} at the start";
    }
}

/// <summary>The largest working set a process reached while it was watched (sampled every 50 ms), in MB.</summary>
internal sealed class PeakWorkingSet : IAsyncDisposable
{
    private readonly Process process;
    private readonly CancellationTokenSource stop = new();
    private readonly Task sampling;
    private long peak;

    public PeakWorkingSet(Process process)
    {
        this.process = process;
        sampling = SampleAsync();
    }

    public long Megabytes => Interlocked.Read(ref peak) / 1_048_576;

    public static long Now(Process process)
    {
        process.Refresh();
        return process.WorkingSet64 / 1_048_576;
    }

    /// <summary>The working set (resident set, VmRSS) of the processes together, in bytes.</summary>
    public static long Bytes(IEnumerable<Process> processes) => processes.Sum(p =>
    {
        p.Refresh();
        return p.WorkingSet64;
    });

    private async Task SampleAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            process.Refresh();
            if (process.WorkingSet64 > Interlocked.Read(ref peak))
            {
                Interlocked.Exchange(ref peak, process.WorkingSet64);
            }

            try
            {
                await Task.Delay(50, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await sampling;
        stop.Dispose();
    }
}

/// <summary>
/// The processor time (user and system) each process has used since this was made, and how long this process (the load
/// generator) was paused for garbage collection meanwhile: a paused generator stamps arrivals late.
/// </summary>
internal sealed class CpuTime(Process[] processes)
{
    private readonly TimeSpan[] start = [.. processes.Select(Total)];
    private readonly TimeSpan paused = GC.GetTotalPauseDuration();

    /// <summary>The seconds each process has used, as a table cell: "70.8, 69.8, 63.5".</summary>
    public string Used() => string.Join(", ", Seconds().Select(s => s.ToString("F1", CultureInfo.InvariantCulture)));

    /// <summary>The seconds each process has used, in the order given.</summary>
    public double[] Seconds() => [.. processes.Select((p, i) => (Total(p) - start[i]).TotalSeconds)];

    public double GeneratorPausedMs => (GC.GetTotalPauseDuration() - paused).TotalMilliseconds;

    /// <summary>User and system time: on Linux .NET reads them from /proc/PID/stat (utime + stime).</summary>
    private static TimeSpan Total(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }
}
