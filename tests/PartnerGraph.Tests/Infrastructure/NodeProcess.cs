using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace PartnerGraph.Tests.Infrastructure;

/// <summary>A long-running script of tests/audit (a partner's subscriber), read line by line while it runs.</summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly Channel<string> lines = Channel.CreateUnbounded<string>();
    private readonly System.Text.StringBuilder errors = new();

    private NodeProcess(Process process)
    {
        this.process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                lines.Writer.TryComplete();
            }
            else
            {
                lines.Writer.TryWrite(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static NodeProcess Start(string script, params string[] args)
    {
        var folder = RepositoryRoot.File("tests", "audit");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules")), "tests/audit/node_modules is missing: run `npm ci` in tests/audit (test.sh does).");
        var info = new ProcessStartInfo("node") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return new NodeProcess(Process.Start(info)!);
    }

    /// <summary>A subscriber of referralStatusChanged (tests/audit/subscribe.mjs) that stops after so many events.</summary>
    public static async Task<NodeProcess> SubscribeAsync(string transport, Uri server, string token, int events, long? after = null)
    {
        var node = Start("subscribe.mjs", transport, new Uri(server, "/graphql").ToString(), token, events.ToString(System.Globalization.CultureInfo.InvariantCulture), after?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");
        var ready = await node.NextAsync(TimeSpan.FromSeconds(30));
        Assert.True(ready?["ready"] is not null, $"subscriber did not start: {ready?.ToJsonString()} {node.Errors}");
        return node;
    }

    public string Errors
    {
        get
        {
            lock (errors)
            {
                return errors.ToString();
            }
        }
    }

    /// <summary>The next line as JSON, or null when the script has ended.</summary>
    public async Task<JsonNode?> NextAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            return await lines.Reader.WaitToReadAsync(cancel.Token) && lines.Reader.TryRead(out var line) ? JsonNode.Parse(line) : null;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no line from node within {timeout}: {Errors}");
        }
    }

    /// <summary>The sequences of the next events, failing on any message that is not an event.</summary>
    public async Task<List<long>> SequencesAsync(int count, TimeSpan timeout)
    {
        var sequences = new List<long>();
        while (sequences.Count < count)
        {
            var line = await NextAsync(timeout) ?? throw new InvalidOperationException($"subscriber ended after {sequences.Count} events: {Errors}");
            var change = line["data"]?["referralStatusChanged"] ?? throw new InvalidOperationException($"not an event: {line.ToJsonString()}");
            sequences.Add(change["sequence"]!.GetValue<long>());
        }

        return sequences;
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }
}
