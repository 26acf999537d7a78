using Microsoft.Data.Sqlite;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Identity;

/// <summary>users add: analysts of an organisation, with a password shown once and stored only as a hash.</summary>
public sealed class AnalystCommandTests
{
    [Fact]
    public async Task Users_add_generates_a_password_shows_it_once_and_stores_only_its_hash()
    {
        var database = await TestDatabase.CopyAsync();
        var run = await ServerProcess.RunVerbAsync(["users", "add", "--org", "wvft", "--email", "Analyst.Two@WVFT.example"], database: database);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Analyst analyst.two@wvft.example added to wvft", run.Output, StringComparison.Ordinal);
        Assert.Contains("role government-analyst: statistics.read coverage.read", run.Output, StringComparison.Ordinal);
        var password = run.Output.Split('\n').Single(l => l.StartsWith("password: ", StringComparison.Ordinal))["password: ".Length..].Trim();
        Assert.True(password.Length >= 20);

        await using var connection = new SqliteConnection(TestDatabase.ConnectionString(database));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT PasswordHash FROM Analysts WHERE Email = 'analyst.two@wvft.example'";
        var hash = (string)(await command.ExecuteScalarAsync())!;
        Assert.DoesNotContain(password, hash, StringComparison.Ordinal);
        Assert.StartsWith("AQAAAA", hash, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--org", "wvft", "--email", "not-an-address" }, 2, "is not an e-mail address")]
    [InlineData(new[] { "--org", "wvft", "--email", "a@wvft.example", "--password", "short" }, 1, "at least 12 characters")]
    [InlineData(new[] { "--org", "nowhere", "--email", "a@wvft.example" }, 1, "--org names no organisation")]
    [InlineData(new[] { "--org", "wvft", "--email", "a@wvft.example", "--role", "admin" }, 2, "--role is not one of")]
    [InlineData(new[] { "--org", "shelter-northern-children", "--email", "a@shelter.example", "--role", "auditor" }, 1, "holds none of the scopes of the role auditor")]
    [InlineData(new[] { "--org", "atd", "--email", "analyst@atd.demo" }, 1, "exists already")]
    public async Task Users_add_refuses_bad_input_with_a_clear_message(string[] options, int exitCode, string message)
    {
        var run = await ServerProcess.RunVerbAsync(["users", "add", .. options]);
        Assert.Equal(exitCode, run.ExitCode);
        Assert.Contains(message, run.Output, StringComparison.Ordinal);
    }
}
