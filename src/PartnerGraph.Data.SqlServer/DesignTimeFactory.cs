using Microsoft.EntityFrameworkCore.Design;

namespace PartnerGraph.Data.SqlServer;

/// <summary>Used by dotnet-ef only, to generate the SQL Server migrations; it never connects.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<PartnerGraphDbContext>
{
    public PartnerGraphDbContext CreateDbContext(string[] args) =>
        new(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.SqlServer, "Server=design-time;Database=PartnerGraph;Trusted_Connection=True;TrustServerCertificate=True"));
}
