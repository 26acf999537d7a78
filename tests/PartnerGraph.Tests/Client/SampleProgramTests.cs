using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Tests.Infrastructure;
using PartnerGraph.Tests.Transport;

namespace PartnerGraph.Tests.Client;

/// <summary>The sample console program, run as a partner would run it, against a started server: it follows, is killed, and resumes from its file.</summary>
public sealed class SampleProgramTests
{
    [Fact]
    public async Task The_sample_prints_each_change_and_after_a_kill_resumes_from_its_file_skipping_nothing()
    {
        await using var server = await ServerProcess.StartAsync();
        long head;
        await using (var db = server.OpenDatabase())
        {
            head = await db.OutboxEvents.MaxAsync(e => e.Sequence);
        }

        var file = Path.Combine(Directory.CreateTempSubdirectory("partnergraph-sample-").FullName, "referrals.seq");
        await File.WriteAllTextAsync(file, $"{head}\n");
        using var http = new HttpClient { BaseAddress = server.Url };
        var sender = new GraphQLClient(http, await server.TokenAsync());
        var receiver = new GraphQLClient(http, await server.TokenAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret));

        await using var first = Sample.Start(server, file);
        var made = await ReferralsFlow.CompleteOneAsync(sender, receiver);
        await first.WaitForLinesAsync(made.Count);
        await first.KillAsync();
        var saved = long.Parse(await File.ReadAllTextAsync(file), System.Globalization.CultureInfo.InvariantCulture);

        made.AddRange(await ReferralsFlow.CompleteOneAsync(sender, receiver));
        await using var second = Sample.Start(server, file);
        await second.WaitForLinesAsync(made.Count(s => s > saved));
        await second.KillAsync();

        Assert.Contains($"{TestDatabase.ShelterClient} of ", first.Output, StringComparison.Ordinal);
        Assert.Equal(made[..5], first.Sequences);
        // Killed while it held the fifth, or after it asked for the sixth: the fourth at least is saved.
        Assert.InRange(saved, made[3], made[4]);
        Assert.Equal(made.Where(s => s > saved), second.Sequences);
    }

    private sealed class Sample : IAsyncDisposable
    {
        private readonly Process process;
        private readonly ConcurrentQueue<string> lines = new();

        private Sample(Process process) => this.process = process;

        public string Output => string.Join('\n', lines);

        /// <summary>The sequences of the change lines printed ("SEQUENCE REF-... FROM -> TO by ORG at TIME").</summary>
        public List<long> Sequences => [.. lines.Where(l => l.Contains(" -> ", StringComparison.Ordinal)).Select(l => long.Parse(l.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))];

        public static Sample Start(ServerProcess server, string file)
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var folder = RepositoryRoot.File("src", "PartnerGraph.Client.Sample", "bin", testBin.Parent!.Name, testBin.Name);
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder };
            info.ArgumentList.Add(Path.Combine(folder, "PartnerGraph.Client.Sample.dll"));
            info.Environment["PARTNERGRAPH_URL"] = server.Url.ToString();
            info.Environment["PARTNERGRAPH_CLIENT_ID"] = TestDatabase.ShelterClient;
            info.Environment["PARTNERGRAPH_CLIENT_SECRET"] = TestDatabase.ShelterSecret;
            info.Environment["PARTNERGRAPH_SEQUENCE_FILE"] = file;
            var sample = new Sample(Process.Start(info)!);
            sample.process.OutputDataReceived += (_, e) => sample.Add(e.Data);
            sample.process.ErrorDataReceived += (_, e) => sample.Add(e.Data);
            sample.process.BeginOutputReadLine();
            sample.process.BeginErrorReadLine();
            return sample;
        }

        public async Task WaitForLinesAsync(int changes)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Sequences.Count < changes)
            {
                Assert.True(!process.HasExited && DateTime.UtcNow < deadline, $"{Sequences.Count} of {changes} changes printed:\n{Output}");
                await Task.Delay(50);
            }
        }

        public async Task KillAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }

        public async ValueTask DisposeAsync()
        {
            await KillAsync();
            process.Dispose();
        }

        private void Add(string? line)
        {
            if (line is not null)
            {
                lines.Enqueue(line);
            }
        }
    }
}
