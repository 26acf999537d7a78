using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Data.Demo;
using PartnerGraph.Identity;

namespace PartnerGraph.Tests.Infrastructure;

/// <summary>
/// A real SQLite file per test host. The template is made once by the real server starting in Development on an
/// empty file (migrations, geography, demo data, demo clients), plus one test client holding every scope; each
/// host then gets its own copy, so every test starts from the same deterministic data and none sees another's writes.
/// </summary>
public static class TestDatabase
{
    /// <summary>Smaller than the default demo so the suite stays fast; deterministic like it.</summary>
    public static readonly DemoDataOptions Demo = new() { CaseRecords = 6_000, Referrals = 600 };

    /// <summary>A test client of ATD with every scope (ATD's agreement covers every dataset at district level).</summary>
    public const string AllScopesClient = "test-all-scopes";
    public const string AllScopesSecret = "test-secret-all-scopes-0123456789";

    /// <summary>A second organisation with every scope: the receiver of referrals the first one sends, a partner of ATD's shelter programme.</summary>
    public const string ShelterClient = "test-shelter";
    public const string ShelterSecret = "test-secret-shelter-0123456789abc";
    public const string ShelterOrganisation = "shelter-southern-children";

    private static readonly Lazy<Task<string>> Template = new(CreateTemplateAsync);

    public static string Folder { get; } = Directory.CreateTempSubdirectory("partnergraph-tests-").FullName;

    /// <summary>A fresh copy of the seeded template; returns its path.</summary>
    public static async Task<string> CopyAsync()
    {
        var template = await Template.Value;
        var path = Path.Combine(Folder, $"{Guid.NewGuid():N}.db");
        File.Copy(template, path);
        return path;
    }

    public static string ConnectionString(string path) => new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();

    private static async Task<string> CreateTemplateAsync()
    {
        var path = Path.Combine(Folder, "template.db");
        await using (var app = new PartnerGraphApp(path, "Development", seed: true))
        {
            await using var scope = app.Services.CreateAsyncScope();
            var registry = scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>();
            await registry.AddAsync("atd", AllScopesClient, Scopes.All.ToList(), AllScopesSecret);
            await registry.AddAsync(ShelterOrganisation, ShelterClient, Scopes.All.ToList(), ShelterSecret);
        }

        // One file, no WAL beside it, so that a plain copy is the whole database.
        await using (var connection = new SqliteConnection(ConnectionString(path)))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode=DELETE;";
            await command.ExecuteNonQueryAsync();
        }

        return path;
    }
}
