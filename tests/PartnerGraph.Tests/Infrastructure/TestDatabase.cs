using Microsoft.Data.Sqlite;
using PartnerGraph.Data;
using PartnerGraph.Data.Demo;

namespace PartnerGraph.Tests.Infrastructure;

/// <summary>
/// A real SQLite file per test host: migrated, geography loaded and demo data seeded once into a template,
/// then copied, so every host starts from the same deterministic data and none sees another's writes.
/// </summary>
public static class TestDatabase
{
    /// <summary>Smaller than the default demo so the suite stays fast; deterministic like it.</summary>
    public static readonly DemoDataOptions Demo = new() { CaseRecords = 6_000, Referrals = 600 };

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
        await using (var db = new PartnerGraphDbContext(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.Sqlite, ConnectionString(path))))
        {
            await DatabaseInitializer.MigrateAsync(db);
            await DemoData.SeedAsync(db, Demo);
            // One file, no WAL beside it, so that a plain copy is the whole database.
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database, "PRAGMA journal_mode=DELETE;");
        }

        return path;
    }
}
