using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.GraphQL;
using PartnerGraph.GraphQL.Transport.Http;

namespace PartnerGraph.Server.Hosting;

/// <summary>The host, one concern per method, so Program.cs reads on one screen.</summary>
public static class PartnerGraphHost
{
    public static WebApplicationBuilder AddPartnerGraph(this WebApplicationBuilder builder)
    {
        builder.Services.AddPartnerGraphData(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddPartnerGraphSchema();
        builder.Services.AddHealthChecks().AddCheck<DatabaseReadiness>("database", tags: ["ready"]);
        return builder;
    }

    public static WebApplication MapPartnerGraph(this WebApplication app)
    {
        app.MapGraphQLHttp("/graphql");
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponses.WriteAsync });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponses.WriteAsync });
        app.Lifetime.ApplicationStarted.Register(() => PrintWhereToGo(app));
        return app;
    }

    /// <summary>Migrations, the reference geography, and in Development the synthetic demo data.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<PartnerGraphDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        await DatabaseInitializer.MigrateAsync(db);
        if (app.Environment.IsDevelopment() && app.Configuration.GetValue("Demo:Seed", false))
        {
            await DemoSeeding.SeedAsync(db, DemoSeeding.Options(app.Configuration), Console.Out);
        }
    }

    private static void PrintWhereToGo(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var url in addresses)
        {
            Console.WriteLine($"PartnerGraph ({app.Environment.EnvironmentName}) is serving GraphQL at {url.TrimEnd('/')}/graphql");
        }
    }
}
