using System.Text.Json.Nodes;
using PartnerGraph.Identity.Analysts;
using PartnerGraph.Tests.Audit;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Ide;

/// <summary>
/// The IDE as an analyst uses it, in Debian's Chromium driven by playwright-core (tests/browser/ide.mjs) against a
/// started server: sign in, open /graphql, run a caseStatistics query, see the table in the result pane.
/// Screenshots of each step are kept under artifacts/browser/.
/// </summary>
public sealed class AnalystIdeBrowserTests
{
    [Fact]
    public async Task A_demo_analyst_signs_in_opens_the_IDE_and_sees_the_statistics_table()
    {
        var chromium = Chromium() ?? throw new InvalidOperationException("Chromium is missing: test.sh installs Debian's (apt-get install chromium).");
        await using var server = await ServerProcess.StartAsync(issuerAtOwnAddress: true);

        var output = await Node.RunInAsync(
            RepositoryRoot.File("tests", "browser"),
            "ide.mjs",
            new Dictionary<string, string>
            {
                ["ANALYST_EMAIL"] = "analyst@atd.demo",
                ["ANALYST_PASSWORD"] = DemoAnalysts.Password,
                ["CHROMIUM"] = chromium,
            },
            TimeSpan.FromMinutes(5),
            server.Url.ToString().TrimEnd('/'),
            RepositoryRoot.File("artifacts", "browser"));

        var steps = JsonNode.Parse(output)!.AsArray();
        Assert.All(steps, s => Assert.True(s!["ok"]!.GetValue<bool>(), s.ToJsonString()));
        Assert.Equal("statistics.read coverage.read", steps[0]!["detail"]!["scopes"]!.GetValue<string>());
        var result = steps[1]!["detail"]!["result"]!.GetValue<string>();
        Assert.Contains("\"caseStatistics\"", result, StringComparison.Ordinal);
        Assert.Contains("\"year\": 2017", result, StringComparison.Ordinal);
        Assert.True(File.Exists(RepositoryRoot.File("artifacts", "browser", "2-statistics.png")));
    }

    /// <summary>The machine's Chromium (command -v chromium), never a downloaded browser.</summary>
    private static string? Chromium() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "chromium"))
            .FirstOrDefault(File.Exists);
}
