using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace PartnerGraph.Data;

public static class DataServiceCollectionExtensions
{
    public const string SqliteMigrationsAssembly = "PartnerGraph.Data.Sqlite";
    public const string SqlServerMigrationsAssembly = "PartnerGraph.Data.SqlServer";
    public const string DefaultSqliteConnectionString = "Data Source=data/partnergraph.db";

    /// <summary>
    /// Registers a DbContext factory on the configured provider. Resolvers run in parallel, so each takes its own
    /// short-lived context from the factory; the contexts are pooled (options built once, a context reset and reused),
    /// so a request's several contexts cost little. Interceptors registered in the container are attached to every
    /// context.
    /// </summary>
    public static IServiceCollection AddPartnerGraphData(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        var provider = ReadProvider(configuration);
        var connectionString = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
        if (provider == DatabaseProvider.Sqlite)
        {
            connectionString = ResolveSqlitePath(connectionString ?? DefaultSqliteConnectionString, contentRoot);
        }
        else if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("Database:Provider is SqlServer but ConnectionStrings:PartnerGraph is not set.");
        }

        services.AddSingleton(new DatabaseOptions { Provider = provider });
        services.AddPooledDbContextFactory<PartnerGraphDbContext>((sp, options) =>
        {
            Configure(options, provider, connectionString);
            options.AddInterceptors(sp.GetServices<IInterceptor>());
        });
        return services;
    }

    /// <summary>Options for a context outside the container: design-time factories, tools and tests.</summary>
    public static DbContextOptions<PartnerGraphDbContext> CreateOptions(DatabaseProvider provider, string connectionString)
    {
        var builder = new DbContextOptionsBuilder<PartnerGraphDbContext>();
        Configure(builder, provider, connectionString);
        return builder.Options;
    }

    /// <remarks>
    /// A list of keys (ids.Contains(x.Id), as the batch loaders ask) goes to the database as one JSON parameter: the
    /// SQL is then the same whatever the number of keys, made once and cached, where one parameter per key made EF
    /// Core build the command again for most pages (a fifth of a page's allocations, measured).
    /// </remarks>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, DatabaseProvider provider, string connectionString) =>
        (provider switch
        {
            DatabaseProvider.Sqlite => options.UseSqlite(connectionString, o => o
                .MigrationsAssembly(SqliteMigrationsAssembly)
                .UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
                .AddInterceptors(new SqliteBusyTimeout(), new SqliteWriteGate(connectionString))
                .ReplaceService<IRelationalTransactionFactory, GateReleasingTransactionFactory>(),
            DatabaseProvider.SqlServer => options.UseSqlServer(connectionString, o =>
            {
                o.MigrationsAssembly(SqlServerMigrationsAssembly);
                o.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter);
                o.EnableRetryOnFailure();
            }),
            _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "Unknown database provider."),
        })
        .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)
        .ConfigureWarnings(w => w.Log(FailuresLoggedByTheirHandlers))
        .UseOpenIddict(); // the token server's applications, authorizations, scopes and tokens share the database

    /// <summary>
    /// EF Core logs a failed command or save as an error before the caller sees the exception, with the provider's
    /// message (SQL Server's quotes the duplicate key's value). Expected failures are handled where they occur (two
    /// instances registering the same client, a concurrent update) and unexpected ones are logged by the code that
    /// catches them, by type and place only, so EF's own report is kept at Debug.
    /// </summary>
    private static readonly (EventId, LogLevel)[] FailuresLoggedByTheirHandlers =
    [
        (RelationalEventId.CommandError, LogLevel.Debug),
        (CoreEventId.SaveChangesFailed, LogLevel.Debug),
        (CoreEventId.OptimisticConcurrencyException, LogLevel.Debug),
    ];

    private static DatabaseProvider ReadProvider(IConfiguration configuration)
    {
        var text = configuration[$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.Provider)}"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return DatabaseProvider.Sqlite;
        }

        return Enum.TryParse<DatabaseProvider>(text, ignoreCase: true, out var provider) && Enum.IsDefined(provider)
            ? provider
            : throw new InvalidOperationException($"Database:Provider '{text}' is not one of: {string.Join(", ", Enum.GetNames<DatabaseProvider>())}.");
    }

    /// <summary>A relative SQLite file is placed under the content root, and its folder is created.</summary>
    public static string ResolveSqlitePath(string connectionString, string contentRoot)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource != ":memory:" && !builder.DataSource.StartsWith("file:", StringComparison.Ordinal))
        {
            var path = Path.GetFullPath(builder.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            builder.DataSource = path;
        }

        if (builder.DefaultTimeout < 30)
        {
            builder.DefaultTimeout = 30;
        }

        return builder.ToString();
    }
}
