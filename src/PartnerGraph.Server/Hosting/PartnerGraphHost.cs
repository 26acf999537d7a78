using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using PartnerGraph.Data;
using PartnerGraph.Data.Events;
using PartnerGraph.GraphQL;
using PartnerGraph.GraphQL.Transport;
using PartnerGraph.GraphQL.Webhooks;
using PartnerGraph.Identity;
using PartnerGraph.Identity.Analysts;
using PartnerGraph.Server.Ide;

namespace PartnerGraph.Server.Hosting;

/// <summary>The host, one concern per method, so Program.cs reads on one screen.</summary>
public static partial class PartnerGraphHost
{
    /// <summary>How often a server that started without its database tries again to prepare it.</summary>
    public static readonly TimeSpan PreparationRetry = TimeSpan.FromSeconds(2);

    public static WebApplicationBuilder AddPartnerGraph(this WebApplicationBuilder builder)
    {
        builder.AddServerUrls();
        builder.Services.AddSingleton<DatabasePreparation>();
        builder.Services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(sp => sp.GetRequiredService<DatabasePreparation>());
        builder.Services.AddPartnerGraphData(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddPartnerGraphIdentity(builder.Configuration, builder.Environment);
        builder.Services.AddPartnerGraphEvents(builder.Configuration);
        builder.Services.AddPartnerGraphSchema();
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseReadiness>("database", tags: ["ready"])
            .AddCheck<SubscriptionSignalReadiness>("subscriptions", tags: ["ready"]);
        builder.AddRequestBodyLimits();
        builder.AddPartnerGraphObservability();
        return builder;
    }

    public static WebApplication MapPartnerGraph(this WebApplication app)
    {
        app.UseAnalystIde();
        app.UseWebSockets();
        app.UseRequestBodyLimits();
        app.UseDatabaseOutageAnswers();
        app.UseAuthentication();
        app.MapPartnerGraphIdentity();
        app.MapGraphQLHttp("/graphql");

        // The shipped trusted documents are read at start, so a broken folder shows now and not at the first request.
        app.Services.GetRequiredService<PartnerGraph.GraphQL.TrustedDocuments.TrustedDocumentStore>();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponses.WriteAsync });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponses.WriteAsync });
        app.Lifetime.ApplicationStarted.Register(() => PrintWhereToGo(app));
        return app;
    }

    /// <summary>
    /// Prepares the database before the server listens. When it cannot be reached (SQL Server down, the SQLite file's
    /// folder away) the server starts all the same, liveness up, readiness and every request that needs the database
    /// 503 DATABASE_UNAVAILABLE, and prepares it in the background as soon as it appears (every 2 s); a preparation
    /// that fails for another reason (a demo credential outside Development) then stops the server with exit code 1.
    /// </summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        try
        {
            await PrepareAsync(app);
        }
        catch (Exception e) when (DatabaseAvailability.IsUnavailable(e))
        {
            var preparation = app.Services.GetRequiredService<DatabasePreparation>();
            preparation.Wait();
            LogWaitingForDatabase(app.Logger, e.GetType().Name);
            _ = Task.Run(() => PrepareWhenTheDatabaseAppearsAsync(app, preparation));
        }
    }

    private static async Task PrepareWhenTheDatabaseAppearsAsync(WebApplication app, DatabasePreparation preparation)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        while (true)
        {
            try
            {
                await Task.Delay(PreparationRetry, stopping);
                using (DatabasePreparation.PreparingScope())
                {
                    await PrepareAsync(app);
                }

                preparation.Done();
                LogDatabasePrepared(app.Logger);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (DatabaseAvailability.IsUnavailable(e))
            {
                // still away
            }
            catch (Exception e)
            {
                LogPreparationFailed(app.Logger, e);
                Environment.ExitCode = 1;
                app.Lifetime.StopApplication();
                return;
            }
        }
    }

    /// <summary>
    /// Migrations and the reference geography; in Development the synthetic demo data and demo clients, elsewhere a
    /// refusal to start while any demo credential would work.
    /// </summary>
    private static async Task PrepareAsync(WebApplication app)
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<PartnerGraphDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            await DatabaseInitializer.MigrateAsync(db);
            if (app.Environment.IsDevelopment() && app.Configuration.GetValue("Demo:Seed", false))
            {
                await DemoSeeding.SeedAsync(db, DemoSeeding.Options(app.Configuration), Console.Out);
            }
        }

        await IdeClient.EnsureAsync(app.Services, PartnerGraphIdentityExtensions.Issuer(app.Configuration, app.Environment));

        if (!app.Environment.IsDevelopment())
        {
            _ = app.Services.GetRequiredService<WebhookSecretProtector>(); // refuses a missing or demo Webhooks:SecretKey
            await DemoClients.RefuseOutsideDevelopmentAsync(app.Services);
            await DemoAnalysts.RefuseOutsideDevelopmentAsync(app.Services);
        }
        else if (app.Configuration.GetValue("Demo:Seed", false))
        {
            await using var scope = app.Services.CreateAsyncScope();
            var clients = await DemoClients.EnsureAsync(scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>(), scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>());
            Console.WriteLine("Demo clients (Development only; refused anywhere else):");
            foreach (var client in clients)
            {
                Console.WriteLine($"  {client.Bundle,-28} client_id={client.ClientId}  client_secret={client.Secret}  org={client.OrganisationId}");
            }

            var analysts = await DemoAnalysts.EnsureAsync(scope.ServiceProvider.GetRequiredService<AnalystDirectory>(), factory);
            Console.WriteLine("Demo analysts for the IDE at /graphql (Development only; refused anywhere else):");
            foreach (var analyst in analysts)
            {
                Console.WriteLine($"  {analyst.RoleBundle,-28} email={analyst.Email}  password={DemoAnalysts.Password}  org={analyst.OrganisationId}");
            }
        }
    }

    private static void PrintWhereToGo(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var url in addresses)
        {
            var root = url.TrimEnd('/');
            Console.WriteLine($"PartnerGraph ({app.Environment.EnvironmentName}) is serving GraphQL at {root}/graphql (the IDE in a browser); tokens at POST {root}/connect/token");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The database is unavailable ({ExceptionType}): serving 503 DATABASE_UNAVAILABLE until it appears, trying every 2 s")]
    private static partial void LogWaitingForDatabase(ILogger logger, string exceptionType);

    [LoggerMessage(Level = LogLevel.Information, Message = "The database is back and prepared: serving")]
    private static partial void LogDatabasePrepared(ILogger logger);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Preparing the database failed; stopping")]
    private static partial void LogPreparationFailed(ILogger logger, Exception exception);
}
