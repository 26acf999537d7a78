using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using PartnerGraph.Data;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Data;

public sealed class MigrationsTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite, "Data Source=:memory:")]
    [InlineData(DatabaseProvider.SqlServer, "Server=none;Database=PartnerGraph;Trusted_Connection=True;TrustServerCertificate=True")]
    public void Provider_has_no_model_changes_missing_from_its_migrations(DatabaseProvider provider, string connectionString)
    {
        using var db = new PartnerGraphDbContext(DataServiceCollectionExtensions.CreateOptions(provider, connectionString));
        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(
            db.Database.HasPendingModelChanges(),
            $"The model has changes that the {provider} migrations lack. Add one: dotnet ef migrations add NAME --project src/PartnerGraph.Data.{provider} --startup-project src/PartnerGraph.Data.{provider}");
    }

    [Fact]
    public void SqlServer_migrations_script_to_sql_server_types()
    {
        using var db = new PartnerGraphDbContext(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.SqlServer, "Server=none;Database=PartnerGraph;Trusted_Connection=True;TrustServerCertificate=True"));
        var script = db.GetService<IMigrator>().GenerateScript();
        Assert.Contains("CREATE TABLE [Referrals]", script, StringComparison.Ordinal);
        Assert.Contains("IDENTITY", script, StringComparison.Ordinal);
        Assert.Contains("nvarchar", script, StringComparison.Ordinal);

        // No SQL Server engine runs here, so what it is known to refuse is checked in the script: a constant in a
        // GROUP BY list (Msg 164) stopped the cube backfill once.
        var constants = Regex.Matches(script, @"GROUP BY ([^;]*)")
            .SelectMany(m => m.Groups[1].Value.Split(','))
            .Select(item => item.Trim())
            .Where(item => Regex.IsMatch(item, @"^(N?'[^']*'|\d+)$"))
            .ToList();
        Assert.Empty(constants);
    }

    [Fact]
    public async Task Migrating_twice_changes_nothing_and_loads_the_geography_once()
    {
        var path = Path.Combine(TestDatabase.Folder, $"migrate-{Guid.NewGuid():N}.db");
        await using var db = new PartnerGraphDbContext(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.Sqlite, TestDatabase.ConnectionString(path)));
        await DatabaseInitializer.MigrateAsync(db);
        await DatabaseInitializer.MigrateAsync(db);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(77, await db.Provinces.CountAsync());
        Assert.Equal(928, await db.Districts.CountAsync());
    }
}
