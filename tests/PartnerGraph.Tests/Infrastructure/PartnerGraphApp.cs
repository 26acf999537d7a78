using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PartnerGraph.Data;

namespace PartnerGraph.Tests.Infrastructure;

/// <summary>The real server in process, on its own copy of the seeded SQLite database, counting its SQL commands.</summary>
public sealed class PartnerGraphApp : WebApplicationFactory<Program>
{
    private readonly bool seed;
    private readonly IReadOnlyDictionary<string, string?> settings;
    private readonly Action<IServiceCollection>? services;
    private readonly ConcurrentDictionary<string, Task<string>> tokens = new();

    internal PartnerGraphApp(string databasePath, string environment, bool seed = false, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        DatabasePath = databasePath;
        Environment = environment;
        this.seed = seed;
        this.settings = settings ?? new Dictionary<string, string?>();
        this.services = services;
    }

    public string Environment { get; }

    public string DatabasePath { get; }

    public SqlCommandCounter Commands { get; } = new();

    /// <summary>
    /// A started app on a fresh copy of the test database, or on the one given (to share it between two apps); services
    /// may add to or replace the server's own (after them).
    /// </summary>
    public static async Task<PartnerGraphApp> StartAsync(string environment = "Development", IReadOnlyDictionary<string, string?>? settings = null, string? databasePath = null, Action<IServiceCollection>? services = null)
    {
        var app = new PartnerGraphApp(databasePath ?? await TestDatabase.CopyAsync(), environment, settings: settings, services: services);
        _ = app.Server;
        return app;
    }

    /// <summary>A GraphQL client with a token of the test client that holds every scope.</summary>
    public async Task<GraphQLClient> GraphQLAsync() => await GraphQLAsync(TestDatabase.AllScopesClient, TestDatabase.AllScopesSecret);

    public async Task<GraphQLClient> GraphQLAsync(string clientId, string secret, string? scope = null)
    {
        var token = await tokens.GetOrAdd($"{clientId} {scope}", _ => TokenAsync(clientId, secret, scope));
        return new GraphQLClient(CreateClient(), token);
    }

    /// <summary>A client credentials token from the server's own token endpoint.</summary>
    public async Task<string> TokenAsync(string clientId, string secret, string? scope = null)
    {
        var response = await RequestTokenAsync(clientId, secret, scope);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return body?["access_token"]?.GetValue<string>() ?? throw new InvalidOperationException($"No token for {clientId}: {body}");
    }

    public Task<HttpResponseMessage> RequestTokenAsync(string clientId, string secret, string? scope = null)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = secret };
        if (scope is not null)
        {
            form["scope"] = scope;
        }

        return CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(form));
    }

    public async Task<PartnerGraphDbContext> OpenDatabaseAsync() =>
        await Services.GetRequiredService<IDbContextFactory<PartnerGraphDbContext>>().CreateDbContextAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(Environment);
        builder.UseSetting("ConnectionStrings:PartnerGraph", TestDatabase.ConnectionString(DatabasePath));
        builder.UseSetting("Demo:Seed", seed ? "true" : "false");
        builder.UseSetting("Demo:CaseRecords", TestDatabase.Demo.CaseRecords.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Demo:Referrals", TestDatabase.Demo.Referrals.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(added =>
        {
            added.AddSingleton<IInterceptor>(Commands);
            services?.Invoke(added);
        });

        // The app's log goes to the test that started it, shown only if that test fails.
        builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(ServerOutput.LoggerProvider("in-process server")));
    }
}

/// <summary>
/// Counts the SQL commands the server sends, to prove batching. Per-request overhead (the caller's client status and
/// agreements, the access log entry) is counted apart from the commands that fetch the data asked for. The outbox
/// feed's reads and the webhook dispatcher's lease poll are not counted: they run on their own clock, not for any
/// request.
/// </summary>
public sealed class SqlCommandCounter : DbCommandInterceptor
{
    private static readonly string[] OverheadTables = ["\"AccessLog\"", "\"PartnerClients\"", "\"SharingAgreements\""];
    private static readonly string[] BackgroundTags = [PartnerGraph.Data.Events.ReferralEventFeed.QueryTag, PartnerGraph.GraphQL.Webhooks.WebhookDispatcher.LeaseQueryTag];
    private readonly ConcurrentQueue<string> commands = new();

    /// <summary>Every command since the last reset.</summary>
    public int Count => commands.Count;

    /// <summary>The commands that fetch or change data, without the per-request overhead.</summary>
    public int DataCount => commands.Count(c => !OverheadTables.Any(t => c.Contains(t, StringComparison.Ordinal)));

    /// <summary>The text of every command since the last reset.</summary>
    public IReadOnlyList<string> Texts => commands.ToArray();

    public void Reset() => commands.Clear();

    private void Add(System.Data.Common.DbCommand command)
    {
        if (!BackgroundTags.Any(tag => command.CommandText.StartsWith("-- " + tag, StringComparison.Ordinal)))
        {
            commands.Enqueue(command.CommandText);
        }
    }

    public override ValueTask<InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Add(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Add(command);
        return base.ScalarExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Add(command);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }
}
