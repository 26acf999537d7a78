using System.Diagnostics;
using System.Net.Sockets;

/// <summary>The server processes a benchmark starts, as partners run them: on 127.0.0.1, ready when /readyz says so.</summary>
internal static class BenchProcesses
{
    public static void Run(string server, string[] args, Dictionary<string, string> environment)
    {
        using var process = Start(server, args, environment);
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', args)} exited with {process.ExitCode}");
        }
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

    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
