using PartnerGraph.Data;

namespace PartnerGraph.Tests.Data;

/// <summary>A SQLite file in the temp folder with the current model and the geography, deleted on dispose.</summary>
internal sealed class TemporarySqliteDatabase : IAsyncDisposable
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"partnergraph-test-{Guid.NewGuid():N}.db");

    private TemporarySqliteDatabase()
    {
    }

    // Without pooling no connection outlives its context, so the file can be deleted at once.
    public string ConnectionString => $"Data Source={path};Pooling=False";

    public static async Task<TemporarySqliteDatabase> CreateAsync()
    {
        var database = new TemporarySqliteDatabase();
        await using var db = database.Open();
        await db.Database.EnsureCreatedAsync();
        await DatabaseInitializer.LoadGeographyAsync(db);
        return database;
    }

    public PartnerGraphDbContext Open() =>
        new(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.Sqlite, ConnectionString));

    public ValueTask DisposeAsync()
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal", path + "-writer" })
        {
            File.Delete(file);
        }

        return ValueTask.CompletedTask;
    }
}
