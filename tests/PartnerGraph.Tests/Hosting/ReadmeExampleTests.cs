using System.Diagnostics;
using System.Text.RegularExpressions;
using PartnerGraph.Tests.Audit;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Hosting;

/// <summary>
/// README's examples as a newcomer runs them: copied from README.md as they stand, with only the address changed to a
/// started server's, run by bash, curl, python3 and Node.js.
/// </summary>
public sealed partial class ReadmeExampleTests : IAsyncLifetime
{
    private ServerProcess server = null!;

    public async Task InitializeAsync() => server = await ServerProcess.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    [Fact]
    public async Task The_first_examples_get_a_token_and_answer_each_question_without_errors()
    {
        var (exitCode, output, errors) = await BashAsync(Block("## Asking it something", "```sh"));

        Assert.True(exitCode == 0, errors);
        Assert.DoesNotContain("\"errors\"", output, StringComparison.Ordinal);
        foreach (var field in new[] { "\"viewer\"", "\"referrals\"", "\"province\"", "\"programmeCoverage\"" })
        {
            Assert.Contains(field, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_token_snippet_prints_the_token_endpoints_error_for_a_wrong_secret()
    {
        var tokenLines = string.Join('\n', Block("## Asking it something", "```sh").Split('\n').TakeWhile(line => !line.StartsWith("AUTH=", StringComparison.Ordinal)));
        Assert.Contains("client_secret=demo-secret-ngo-partner", tokenLines, StringComparison.Ordinal);

        var (exitCode, _, errors) = await BashAsync(tokenLines.Replace("client_secret=demo-secret-ngo-partner", "client_secret=not-the-secret", StringComparison.Ordinal) + "\necho \"token: $TOKEN\"");

        // The snippet's python3 exits non-zero with the endpoint's answer; the script goes on, as a pasted line would.
        Assert.Contains("invalid_client", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("KeyError", errors, StringComparison.Ordinal);
        Assert.Equal(0, exitCode);
    }

    [Fact]
    public async Task The_server_sent_events_example_prints_events_and_no_progress_meter()
    {
        var token = await server.TokenAsync("demo-integrator", "demo-secret-integrator");
        var curl = Block("With curl, over Server-Sent Events:", "```sh");

        var (_, output, errors) = await BashAsync($"TOKEN={token}\ntimeout 5 {curl}");

        Assert.Contains("event: next", output, StringComparison.Ordinal);
        Assert.Contains("\"referralStatusChanged\"", output, StringComparison.Ordinal);
        Assert.Equal("", errors);
    }

    [Fact]
    public async Task The_nodejs_example_saved_as_follow_mjs_prints_the_changes_on_record()
    {
        var token = await server.TokenAsync("demo-integrator", "demo-secret-integrator");
        var script = Path.Combine(Node.Folder, $"follow-{Guid.NewGuid():N}.mjs");
        await File.WriteAllTextAsync(script, Block("In Node.js 20 or later", "```js").Replace("ws://localhost:5080", $"ws://127.0.0.1:{server.Url.Port}", StringComparison.Ordinal));
        try
        {
            var info = new ProcessStartInfo("node", [script]) { WorkingDirectory = Node.Folder, RedirectStandardOutput = true, RedirectStandardError = true };
            info.Environment["TOKEN"] = token;
            using var node = Process.Start(info)!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var first = await node.StandardOutput.ReadLineAsync(timeout.Token);
            node.Kill();
            Assert.True(first is not null && ChangeLine().IsMatch(first), $"first line: {first}\n{await node.StandardError.ReadToEndAsync()}");
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>The first fenced block of the given kind after the line that starts with the heading or sentence, with the server's address.</summary>
    private string Block(string after, string fence)
    {
        var readme = File.ReadAllText(RepositoryRoot.File("README.md"));
        var start = readme.IndexOf(fence + "\n", readme.IndexOf("\n" + after, StringComparison.Ordinal), StringComparison.Ordinal) + fence.Length + 1;
        var block = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        return block.Replace("http://localhost:5080", server.Url.ToString().TrimEnd('/'), StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Errors)> BashAsync(string script)
    {
        var info = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var bash = Process.Start(info)!;
        var output = bash.StandardOutput.ReadToEndAsync();
        var errors = bash.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await bash.WaitForExitAsync(timeout.Token);
        return (bash.ExitCode, await output, await errors);
    }

    /// <summary>What the example prints per change: "sequence reference previous -> status".</summary>
    [GeneratedRegex(@"^\d+ REF-\d{4}-\d{6} (null|[A-Z_]+) -> [A-Z_]+$")]
    private static partial Regex ChangeLine();
}
