using System.Text.Json.Nodes;
using PartnerGraph.Identity.Analysts;
using PartnerGraph.Tests.Audit;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Ide;

/// <summary>
/// The IDE as an analyst uses it, in Debian's Chromium driven by playwright-core (tests/browser/ide.mjs) against a
/// started server: sign in, open /graphql, run a caseStatistics query, see the table in the result pane; then start a
/// referralStatusChanged subscription in the same document (WebSocket, the document's Bearer token in connection_init),
/// and see the change of a referral another client made to the analyst's organisation arrive in the result pane.
/// Screenshots of each step are kept under artifacts/browser/.
/// </summary>
public sealed class AnalystIdeBrowserTests
{
    [Fact]
    public async Task A_demo_analyst_signs_in_opens_the_IDE_sees_the_statistics_table_and_a_referral_change_arrive_by_subscription()
    {
        var chromium = Chromium() ?? throw new InvalidOperationException("Chromium is missing: test.sh installs Debian's (apt-get install chromium).");
        await using var server = await ServerProcess.StartAsync(issuerAtOwnAddress: true);

        var output = await Node.RunInAsync(
            RepositoryRoot.File("tests", "browser"),
            "ide.mjs",
            new Dictionary<string, string>
            {
                // The NGO partner's analyst: statistics.read and referrals.read, and wvft shares both.
                ["ANALYST_EMAIL"] = "analyst@wvft.demo",
                ["ANALYST_PASSWORD"] = DemoAnalysts.Password,
                ["CHROMIUM"] = chromium,
            },
            TimeSpan.FromMinutes(5),
            server.Url.ToString().TrimEnd('/'),
            RepositoryRoot.File("artifacts", "browser"));

        var steps = JsonNode.Parse(output)!.AsArray();
        Assert.All(steps, s => Assert.True(s!["ok"]!.GetValue<bool>(), s.ToJsonString()));
        Assert.Equal(3, steps.Count);
        var scopes = steps[0]!["detail"]!["scopes"]!.GetValue<string>().Split(' ');
        Assert.Contains("statistics.read", scopes);
        Assert.Contains("referrals.read", scopes);
        var result = steps[1]!["detail"]!["result"]!.GetValue<string>();
        Assert.Contains("\"caseStatistics\"", result, StringComparison.Ordinal);
        Assert.Contains("\"year\": 2017", result, StringComparison.Ordinal);
        Assert.True(File.Exists(RepositoryRoot.File("artifacts", "browser", "2-statistics.png")));

        // The IDE sent the document's token as the authorization entry of connection_init, and the event of the
        // referral the government referral officer made to wvft showed in the result pane.
        var subscription = steps[2]!["detail"]!;
        Assert.NotEmpty(subscription["connectionInit"]!.AsArray());
        Assert.All(subscription["connectionInit"]!.AsArray(), init =>
        {
            Assert.Contains("authorization", init!["keys"]!.AsArray().Select(k => k!.GetValue<string>()));
            Assert.True(init["bearer"]!.GetValue<bool>());
        });
        var events = subscription["result"]!.GetValue<string>();
        Assert.Contains("\"referralStatusChanged\"", events, StringComparison.Ordinal);
        Assert.Contains("\"status\": \"SUBMITTED\"", events, StringComparison.Ordinal);
        Assert.Contains(subscription["sequences"]!.AsArray(), s => events.Contains($"\"sequence\": {s!.GetValue<long>()}", StringComparison.Ordinal));
        Assert.True(File.Exists(RepositoryRoot.File("artifacts", "browser", "3-subscription.png")));
    }

    /// <summary>The machine's Chromium (command -v chromium), never a downloaded browser.</summary>
    private static string? Chromium() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "chromium"))
            .FirstOrDefault(File.Exists);
}
