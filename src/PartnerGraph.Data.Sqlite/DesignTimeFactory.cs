using Microsoft.EntityFrameworkCore.Design;

namespace PartnerGraph.Data.Sqlite;

/// <summary>Used by dotnet-ef only, to generate the SQLite migrations.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<PartnerGraphDbContext>
{
    public PartnerGraphDbContext CreateDbContext(string[] args) =>
        new(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.Sqlite, "Data Source=design-time.db"));
}
