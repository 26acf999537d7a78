using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Hosting;

/// <summary>
/// The program's command line as an operator types it, on a started process: help is printed and nothing else
/// happens, a word or option it does not know is an error and never a server start, host settings reach the host.
/// </summary>
public sealed class CommandLineTests
{
    // A process that is still running after this is a server started where a command was meant.
    private static readonly TimeSpan CommandTime = TimeSpan.FromSeconds(45);

    [Theory]
    [InlineData("Commands:", "--help")]
    [InlineData("Commands:", "-h")]
    [InlineData("--client-id <ID> (REQUIRED)", "clients", "add", "--help")]
    [InlineData("--rho <R> (REQUIRED)", "budgets", "set", "--help")]
    [InlineData("<FILE.csv>", "import-cases", "--help")]
    [InlineData("add", "clients", "--help")]
    [InlineData("--output <DIR>", "export-schema", "-h")]
    public async Task Help_prints_usage_and_exits_0_without_starting_anything(string shown, params string[] args)
    {
        var folder = Directory.CreateTempSubdirectory("partnergraph-help-").FullName;
        var database = Path.Combine(folder, "never.db");

        var run = await ServerProcess.RunCommandLineAsync(args, database: database, timeout: CommandTime);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Usage:", run.Output, StringComparison.Ordinal);
        Assert.Contains(shown, run.Output, StringComparison.Ordinal);
        Assert.Equal("", run.Error);
        Assert.DoesNotContain("serving GraphQL", run.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [Fact]
    public async Task Help_names_every_verb()
    {
        var run = await ServerProcess.RunCommandLineAsync(["--help"], timeout: CommandTime);

        foreach (var verb in new[] { "migrate", "seed-demo", "export-schema", "partners", "clients", "documents", "agreements", "budgets", "users", "import-cases", "webhooks" })
        {
            Assert.Contains($"  {verb} ", run.Output, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("migrat")]
    [InlineData("clients", "ad")]
    [InlineData("clients")]
    [InlineData("--urs", "http://127.0.0.1:1")]
    [InlineData("--port", "8080")]
    [InlineData("serve")]
    [InlineData("budgets", "list", "--org", "atd")]
    [InlineData("clients", "add", "--org", "wvft", "--client-id", "x", "--scopes", "referrals.read", "--secrte", "s")]
    public async Task A_mistyped_verb_or_option_is_an_error_on_stderr_and_starts_nothing(params string[] args)
    {
        var folder = Directory.CreateTempSubdirectory("partnergraph-typo-").FullName;
        var database = Path.Combine(folder, "never.db");

        var run = await ServerProcess.RunCommandLineAsync(args, database: database, timeout: CommandTime);

        Assert.True(run.ExitCode == 2, run.Output);
        Assert.Contains("--help", run.Error, StringComparison.Ordinal);
        Assert.Matches("Unrecognized|required|Required", run.Error);
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder));
    }

    [Fact]
    public async Task A_configuration_key_on_the_command_line_reaches_the_host_of_a_verb()
    {
        var folder = Directory.CreateTempSubdirectory("partnergraph-setting-").FullName;
        var chosen = Path.Combine(folder, "chosen.db");

        // The environment names another database; the command line's setting comes after it, so it wins.
        var run = await ServerProcess.RunCommandLineAsync(["migrate", "--ConnectionStrings:PartnerGraph", $"Data Source={chosen}"], database: Path.Combine(folder, "environment.db"), timeout: TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.True(File.Exists(chosen), run.Output);
        Assert.False(File.Exists(Path.Combine(folder, "environment.db")));
    }
}
