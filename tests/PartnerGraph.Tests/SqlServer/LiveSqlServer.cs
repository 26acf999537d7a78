using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using PartnerGraph.Data;

namespace PartnerGraph.Tests.SqlServer;

/// <summary>
/// A test that needs a live SQL Server: it runs when PARTNERGRAPH_TEST_SQLSERVER holds a connection string (a login
/// that may create databases), and is reported skipped, never passed, without one.
/// </summary>
public sealed class SqlServerFactAttribute : FactAttribute
{
    public const string Variable = "PARTNERGRAPH_TEST_SQLSERVER";

    public SqlServerFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
        {
            Skip = $"Needs a live SQL Server: set {Variable} to a connection string (a login that may create databases).";
        }
    }
}

/// <summary>A database of its own on the live server, made empty for one test and dropped after it.</summary>
public sealed class LiveSqlServerDatabase : IAsyncDisposable
{
    private LiveSqlServerDatabase(string connectionString, string name)
    {
        ConnectionString = connectionString;
        Name = name;
    }

    public string ConnectionString { get; }

    public string Name { get; }

    public static Task<LiveSqlServerDatabase> CreateAsync()
    {
        var server = new SqlConnectionStringBuilder(Environment.GetEnvironmentVariable(SqlServerFactAttribute.Variable));
        var name = $"partnergraph_test_{Guid.NewGuid():N}";
        server.InitialCatalog = name;
        return Task.FromResult(new LiveSqlServerDatabase(server.ConnectionString, name)); // migrating creates it
    }

    public PartnerGraphDbContext Open() => new(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.SqlServer, ConnectionString));

    /// <summary>Migrations down to nothing, then the database dropped.</summary>
    public async ValueTask DisposeAsync()
    {
        await using (var db = Open())
        {
            if (await db.Database.CanConnectAsync())
            {
                await db.GetService<IMigrator>().MigrateAsync(Migration.InitialDatabase);
            }
        }

        SqlConnection.ClearAllPools();
        var master = new SqlConnectionStringBuilder(ConnectionString) { InitialCatalog = "master" };
        await using var connection = new SqlConnection(master.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"IF DB_ID(N'{Name}') IS NOT NULL BEGIN ALTER DATABASE [{Name}] SET SINGLE_USER WITH ROLLBACK IMMEDIATE; DROP DATABASE [{Name}]; END";
        await command.ExecuteNonQueryAsync();
    }
}
