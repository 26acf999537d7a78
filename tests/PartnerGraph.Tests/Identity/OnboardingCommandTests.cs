using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Identity;

/// <summary>Onboarding a partner from the command line, then using what it made against the started server.</summary>
public sealed partial class OnboardingCommandTests
{
    // Secrets set by hand are at least 32 characters: these are exactly that.
    private const string FirstSecret = "first-secret-value-of-32-chars-0";
    private const string SecondSecret = "second-secret-value-of-32-chars0";

    [Fact]
    public async Task A_partner_onboarded_on_the_command_line_gets_a_token_and_sees_only_its_agreement()
    {
        var database = await TestDatabase.CopyAsync();
        await Run(database, "partners", "add", "--id", "test-ngo", "--name", "Test NGO", "--kind", "NGO", "--provinces", "TH-50 57");
        await Run(database, "agreements", "add", "--org", "test-ngo", "--datasets", "coverage referrals", "--granularity", "PROVINCE", "--provinces", "TH-50", "--from", "2020-01-01", "--to", "2030-12-31");
        var added = await Run(database, "clients", "add", "--org", "test-ngo", "--client-id", "test-ngo-system", "--scopes", "coverage.read referrals.read");
        var secret = Secret().Match(added).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(secret), added);

        var list = await Run(database, "clients", "list");
        Assert.Contains("test-ngo-system", list, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
        Assert.Contains("coverage.read referrals.read", list, StringComparison.Ordinal);
        Assert.Contains("PROVINCE for TH-50", await Run(database, "agreements", "list", "--org", "test-ngo"), StringComparison.Ordinal);

        await using (var server = await ServerProcess.StartAsync(database: database))
        {
            var client = new GraphQLClient(new HttpClient { BaseAddress = server.Url }, await server.TokenAsync("test-ngo-system", secret));
            var viewer = (await client.PostAsync("{ viewer { organisation { slug provinces { isoCode } } scopes } }")).AssertNoErrors();
            Assert.Equal("test-ngo", viewer.Data!["viewer"]!["organisation"]!["slug"]!.GetValue<string>());
            Assert.Equal(["TH-50", "TH-57"], viewer.Data!["viewer"]!["organisation"]!["provinces"]!.AsArray().Select(p => p!["isoCode"]!.GetValue<string>()));
            Assert.Equal("GRANULARITY_NOT_ALLOWED", (await client.PostAsync("{ programmeCoverage(programmeCode: \"PREVENTION-SCHOOL\", groupBy: [DISTRICT]) { reports } }")).FirstErrorCode);
        }

        var rotated = await Run(database, "clients", "rotate-secret", "--client-id", "test-ngo-system");
        var newSecret = Regex.Match(rotated, @"client_secret for test-ngo-system: (\S+)").Groups[1].Value;
        await Run(database, "clients", "disable", "--client-id", "test-ngo-system");
        await using (var server = await ServerProcess.StartAsync(database: database))
        {
            using var http = new HttpClient();
            foreach (var tried in new[] { secret, newSecret })
            {
                var response = await http.PostAsync(new Uri(server.Url, "/connect/token"), new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials",
                    ["client_id"] = "test-ngo-system",
                    ["client_secret"] = tried,
                }));
                Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("invalid_client", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
            }
        }
    }

    [Fact]
    public async Task A_rotated_secret_replaces_the_old_one_at_once()
    {
        var database = await TestDatabase.CopyAsync();
        await Run(database, "clients", "add", "--org", "wvft", "--client-id", "wvft-test", "--scopes", "referrals.read", "--secret", FirstSecret);
        await Run(database, "clients", "rotate-secret", "--client-id", "wvft-test", "--secret", SecondSecret);
        await using var server = await ServerProcess.StartAsync(database: database);
        await Assert.ThrowsAsync<InvalidOperationException>(() => server.TokenAsync("wvft-test", FirstSecret));
        Assert.False(string.IsNullOrEmpty(await server.TokenAsync("wvft-test", SecondSecret)));
    }

    [Theory]
    [InlineData(2, "partners", "add", "--id", "Bad Slug", "--name", "X", "--kind", "NGO")]
    [InlineData(2, "partners", "add", "--id", "ok-slug", "--name", "X", "--kind", "CHARITY")]
    [InlineData(2, "partners", "add", "--id", "ok-slug", "--name", "X", "--kind", "NGO", "--provinces", "TH-99")]
    [InlineData(1, "clients", "add", "--org", "no-such-org", "--client-id", "x", "--scopes", "referrals.read")]
    [InlineData(1, "clients", "add", "--org", "wvft", "--client-id", "x", "--scopes", "children.read")]
    [InlineData(1, "clients", "add", "--org", "wvft", "--client-id", "demo-ngo-partner", "--scopes", "referrals.read")]
    [InlineData(2, "agreements", "add", "--org", "wvft", "--datasets", "statistics", "--granularity", "DISTRICT", "--from", "2026-01-01", "--to", "2025-01-01")]
    [InlineData(2, "agreements", "add", "--org", "wvft", "--datasets", "children", "--granularity", "DISTRICT", "--from", "2025-01-01", "--to", "2026-01-01")]
    [InlineData(2, "clients", "add", "--org", "wvft", "--scopes", "referrals.read")]
    [InlineData(1, "clients", "scopes", "--client-id", "no-such-client", "--scopes", "referrals.read")]
    [InlineData(1, "clients", "scopes", "--client-id", "demo-integrator", "--scopes", "children.read")]
    [InlineData(1, "clients", "scopes", "--client-id", "demo-integrator", "--scopes", "")]
    [InlineData(2, "no-such-command")]
    [InlineData(1, "clients", "add", "--org", "wvft", "--client-id", "x", "--scopes", "referrals.read", "--secret", "zq")]
    [InlineData(1, "clients", "add", "--org", "wvft", "--client-id", "x", "--scopes", "referrals.read", "--secret", "a-secret-of-31-characters-00000")]
    [InlineData(1, "clients", "rotate-secret", "--client-id", "demo-integrator", "--secret", "a")]
    public async Task Bad_onboarding_input_is_refused_with_a_message_and_changes_nothing(int exitCode, params string[] args)
    {
        var database = await TestDatabase.CopyAsync();
        var before = await File.ReadAllBytesAsync(database);
        var rowsBefore = await OnboardingRowsAsync(database);
        var run = await ServerProcess.RunVerbAsync(args, database: database);
        Assert.True(run.ExitCode == exitCode, run.Output);
        Assert.False(string.IsNullOrWhiteSpace(run.Output));
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
        Assert.Equal(before.Length, new FileInfo(database).Length);
        Assert.Equal(rowsBefore, await OnboardingRowsAsync(database));
    }

    /// <summary>How many rows each table that onboarding writes holds, to prove a refused command wrote none.</summary>
    private static async Task<string> OnboardingRowsAsync(string database)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(TestDatabase.ConnectionString(database));
        await connection.OpenAsync();
        var counts = new List<string>();
        foreach (var table in new[] { "Organisations", "OrganisationProvinces", "PartnerClients", "OpenIddictApplications", "SharingAgreements" })
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
            counts.Add($"{table}={await command.ExecuteScalarAsync()}");
        }

        return string.Join(' ', counts);
    }

    private static async Task<string> Run(string database, params string[] args)
    {
        var run = await ServerProcess.RunVerbAsync(args, database: database);
        Assert.True(run.ExitCode == 0, $"{string.Join(' ', args)} exited with {run.ExitCode}:\n{run.Output}");
        return run.Output;
    }

    [GeneratedRegex(@"client_secret: (\S+)")]
    private static partial Regex Secret();
}
