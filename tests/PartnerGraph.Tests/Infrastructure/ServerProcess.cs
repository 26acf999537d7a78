using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace PartnerGraph.Tests.Infrastructure;

/// <summary>The real server as partners run it: a separate process on 127.0.0.1, on its own copy of the seeded database.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output;

    private ServerProcess(Process process, StringBuilder output, Uri url, string database)
    {
        this.process = process;
        this.output = output;
        Url = url;
        Database = database;
    }

    public Uri Url { get; }

    /// <summary>The SQLite file the server runs on.</summary>
    public string Database { get; }

    /// <summary>The server process's working set now, in bytes.</summary>
    public long WorkingSetBytes
    {
        get
        {
            process.Refresh();
            return process.WorkingSet64;
        }
    }

    /// <summary>The server's process id (webhook leases name their owner by it).</summary>
    public int ProcessId => process.Id;

    /// <summary>False once the process has ended (crashed or killed).</summary>
    public bool IsRunning => !process.HasExited;

    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>The server's own build output, beside the test's (same configuration).</summary>
    public static string ServerDirectory
    {
        get
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = testBin.Parent!.Name;
            return RepositoryRoot.File("src", "PartnerGraph.Server", "bin", configuration, testBin.Name);
        }
    }

    /// <summary>
    /// Starts the server; with issuerAtOwnAddress its token issuer is its own address, so that the IDE client's
    /// redirect addresses (derived from the issuer) are the ones a browser sees. A connection string, if given, is used
    /// as it is (another provider, a database that is not there); unless ready, the start is complete once the server
    /// answers /healthz, whatever /readyz says. A port, if given, is used (a server restarted at the address of one killed).
    /// </summary>
    public static async Task<ServerProcess> StartAsync(IDictionary<string, string>? environment = null, string? database = null, bool issuerAtOwnAddress = false, string? connectionString = null, bool ready = true, int? port = null)
    {
        var url = new Uri($"http://127.0.0.1:{port ?? FreePort()}");
        var settings = new Dictionary<string, string>(environment ?? new Dictionary<string, string>());
        if (issuerAtOwnAddress)
        {
            settings["Identity__Issuer"] = url.ToString();
        }

        return await StartAtAsync(url, ["--urls", url.ToString()], settings, database, connectionString, ready);
    }

    /// <summary>
    /// Starts the server with these arguments and environment, and none inherited that says where to listen: it is
    /// started once it answers at url (a server elsewhere, or none, ends in a TimeoutException).
    /// </summary>
    public static async Task<ServerProcess> StartAtAsync(Uri url, IReadOnlyList<string> args, IDictionary<string, string> environment, string? database = null, string? connectionString = null, bool ready = true, TimeSpan? within = null)
    {
        var server = await LaunchAsync(url, args, environment, database, connectionString);
        try
        {
            await server.WaitUntilAnsweringAsync(ready ? "/readyz" : "/healthz", within ?? TimeSpan.FromSeconds(60));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Launches the server and returns at once, whether or not it comes to listen (see <see cref="WaitForOutputAsync"/>).</summary>
    public static async Task<ServerProcess> LaunchAsync(Uri url, IReadOnlyList<string> args, IDictionary<string, string> environment, string? database = null, string? connectionString = null)
    {
        database ??= connectionString is null ? await TestDatabase.CopyAsync() : "";
        var settings = new Dictionary<string, string>(environment)
        {
            ["ConnectionStrings__PartnerGraph"] = connectionString ?? TestDatabase.ConnectionString(database),
            ["Demo__Seed"] = "false",
        };
        var (process, output) = Launch(args, settings);
        return new ServerProcess(process, output, url, database);
    }

    /// <summary>Waits until the process has printed what the predicate looks for, or has ended; true if it printed it.</summary>
    public async Task<bool> WaitForOutputAsync(Func<string, bool> printed, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (printed(Output))
            {
                return true;
            }

            if (process.HasExited)
            {
                // The last lines may still be on their way from the pipes.
                await process.WaitForExitAsync();
                return printed(Output);
            }

            await Task.Delay(100);
        }

        return false;
    }

    /// <summary>A client credentials token from the started server.</summary>
    public async Task<string> TokenAsync(string clientId = TestDatabase.AllScopesClient, string secret = TestDatabase.AllScopesSecret)
    {
        using var http = new HttpClient();
        var response = await http.PostAsync(new Uri(Url, "/connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }));
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync());
        return body?["access_token"]?.GetValue<string>() ?? throw new InvalidOperationException($"No token: {body}");
    }

    /// <summary>A context on the server's SQLite file, to read what it recorded.</summary>
    public PartnerGraph.Data.PartnerGraphDbContext OpenDatabase() =>
        new(PartnerGraph.Data.DataServiceCollectionExtensions.CreateOptions(PartnerGraph.Data.DatabaseProvider.Sqlite, TestDatabase.ConnectionString(Database)));

    /// <summary>Runs one command-line verb to its end.</summary>
    public static async Task<(int ExitCode, string Output)> RunVerbAsync(string[] args, IDictionary<string, string>? environment = null, string? database = null)
    {
        var run = await RunCommandLineAsync(args, environment, database, TimeSpan.FromMinutes(2));
        return (run.ExitCode, run.Output);
    }

    /// <summary>
    /// Runs the program with these arguments to its end, its standard error also apart; a process still running after
    /// the timeout (a server, where a command was meant) is killed and the run throws a TimeoutException.
    /// </summary>
    public static async Task<CommandLineRun> RunCommandLineAsync(string[] args, IDictionary<string, string>? environment = null, string? database = null, TimeSpan? timeout = null)
    {
        database ??= await TestDatabase.CopyAsync();
        var errors = new StringBuilder();
        var (process, output) = Launch(args, new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["ConnectionStrings__PartnerGraph"] = TestDatabase.ConnectionString(database),
        }, errors);
        using (process)
        {
            using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                lock (output)
                {
                    throw new TimeoutException($"{string.Join(' ', args)} was still running after {timeout}, and was killed:\n{output}");
                }
            }

            // Without a timeout the last lines of the pipes are read before WaitForExitAsync returns.
            await process.WaitForExitAsync();
            lock (output)
            {
                lock (errors)
                {
                    return new CommandLineRun(process.ExitCode, output.ToString(), errors.ToString());
                }
            }
        }
    }

    private static (Process, StringBuilder) Launch(IEnumerable<string> args, IDictionary<string, string> environment, StringBuilder? errors = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = ServerDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(ServerDirectory, "PartnerGraph.Server.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // Where to listen is what a test says, never what the test run's own environment happens to hold.
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS", "URLS", "Urls" })
        {
            info.Environment.Remove(inherited);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var output = new StringBuilder();
        var process = Process.Start(info)!;
        process.StandardInput.Close();
        var printed = ServerOutput.Writer($"server process {process.Id}");
        process.OutputDataReceived += (_, e) => Append(output, printed, e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            Append(output, printed, e.Data);
            if (errors is not null && e.Data is not null)
            {
                lock (errors)
                {
                    errors.AppendLine(e.Data);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }

    private static void Append(StringBuilder output, Action<string> printed, string? line)
    {
        if (line is null)
        {
            return;
        }

        printed(line);
        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private async Task WaitUntilAnsweringAsync(string path, TimeSpan within)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await http.GetAsync(new Uri(Url, path))).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The server did not answer {new Uri(Url, path)} within {within.TotalSeconds:0} s:\n{Output}");
    }

    /// <summary>Ends the process at once with SIGKILL, as a crash or an out-of-memory kill would: no shutdown runs.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }
}

/// <summary>How a run of the program ended: its exit code, all it printed, and its standard error alone.</summary>
public sealed record CommandLineRun(int ExitCode, string Output, string Error);
