using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace PartnerGraph.Tests.Infrastructure;

/// <summary>The real server in process, on its own copy of the seeded SQLite database, counting its SQL commands.</summary>
public sealed class PartnerGraphApp : WebApplicationFactory<Program>
{
    private readonly string databasePath;

    private PartnerGraphApp(string databasePath, string environment)
    {
        this.databasePath = databasePath;
        Environment = environment;
    }

    public string Environment { get; }

    public string DatabasePath => databasePath;

    public SqlCommandCounter Commands { get; } = new();

    public static async Task<PartnerGraphApp> StartAsync(string environment = "Development")
    {
        var app = new PartnerGraphApp(await TestDatabase.CopyAsync(), environment);
        _ = app.Server;
        return app;
    }

    public GraphQLClient GraphQL() => new(CreateClient());

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.UseSetting("ConnectionStrings:PartnerGraph", TestDatabase.ConnectionString(databasePath));
        builder.UseSetting("Demo:Seed", "false");
        builder.ConfigureServices(services => services.AddSingleton<IInterceptor>(Commands));
    }
}

/// <summary>Counts the SQL commands the server sends, to prove batching.</summary>
public sealed class SqlCommandCounter : DbCommandInterceptor
{
    private int count;

    public int Count => Volatile.Read(ref count);

    public void Reset() => Interlocked.Exchange(ref count, 0);

    public override ValueTask<InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref count);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref count);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref count);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }
}
