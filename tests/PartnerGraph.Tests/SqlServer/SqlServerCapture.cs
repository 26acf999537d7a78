using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Query.Internal;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Data;

namespace PartnerGraph.Tests.SqlServer;

/// <summary>One command the SQL Server provider would send: its text, its parameter count and what produced it.</summary>
public sealed record CapturedCommand(string Source, string Sql, int Parameters);

/// <summary>
/// The commands the SQL Server provider makes, with no engine: every connection, transaction and command is suppressed
/// and answered empty, and each command's text is kept. What runs afterwards on an empty answer may fail; the command
/// is captured before.
/// </summary>
public sealed class SqlServerCapture : DbCommandInterceptor, IDbConnectionInterceptor, IDbTransactionInterceptor
{
    public const string NoServer = "Server=127.0.0.1,1;Database=PartnerGraph;User Id=sa;Password=not-used;TrustServerCertificate=True";

    private readonly ConcurrentQueue<CapturedCommand> commands = new();
    private readonly DbContextOptions<PartnerGraphDbContext> options;

    public SqlServerCapture()
    {
        var builder = new DbContextOptionsBuilder<PartnerGraphDbContext>();
        DataServiceCollectionExtensions.Configure(builder, DatabaseProvider.SqlServer, NoServer);
        options = builder.AddInterceptors(this).Options;
    }

    public IReadOnlyCollection<CapturedCommand> Commands => commands;

    /// <summary>What the next captured commands are attributed to.</summary>
    public AsyncLocal<string?> Source { get; } = new();

    public PartnerGraphDbContext Open() => new(options);

    public void Add(string source, string sql, int parameters = 0) => commands.Enqueue(new CapturedCommand(source, sql, parameters));

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        InterceptionResult<DbDataReader>.SuppressWithResult(Capture(command));

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(InterceptionResult<DbDataReader>.SuppressWithResult(Capture(command)));

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Capture(command);
        return InterceptionResult<object>.SuppressWithResult(DBNull.Value);
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ScalarExecuting(command, eventData, result));

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Capture(command);
        return InterceptionResult<int>.SuppressWithResult(1);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(NonQueryExecuting(command, eventData, result));

    public InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) => InterceptionResult.Suppress();

    public ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(InterceptionResult.Suppress());

    public InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) => InterceptionResult.Suppress();

    public ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
        ValueTask.FromResult(InterceptionResult.Suppress());

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result) =>
        InterceptionResult<DbTransaction>.SuppressWithResult(new NoTransaction(connection));

    public ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(TransactionStarting(connection, eventData, result));

    private DataTableReader Capture(DbCommand command)
    {
        commands.Enqueue(new CapturedCommand(Source.Value ?? "runtime", command.CommandText, command.Parameters.Count));
        return new DataTable().CreateDataReader();
    }

    /// <summary>A transaction that was never begun: committing and rolling back do nothing.</summary>
    private sealed class NoTransaction(DbConnection connection) : DbTransaction
    {
        public override IsolationLevel IsolationLevel => IsolationLevel.ReadCommitted;

        protected override DbConnection DbConnection => connection;

        public override void Commit()
        {
        }

        public override void Rollback()
        {
        }
    }
}

/// <summary>
/// Runs on SQLite as usual, and sends every LINQ query (and ExecuteUpdate or ExecuteDelete) it is given, with the same
/// values, to <see cref="SqlServerCapture"/> too: the server's real paths, with real data, yield the SQL Server text
/// of each query they run, wherever the query is written.
/// </summary>
[SuppressMessage("Usage", "EF1001:Internal EF Core API usage.", Justification = "The query compiler is the one place that sees every LINQ query with its values.")]
public sealed class TwinQueryCompiler(
    IQueryContextFactory queryContextFactory,
    ICompiledQueryCache compiledQueryCache,
    ICompiledQueryCacheKeyGenerator compiledQueryCacheKeyGenerator,
    IDatabase database,
    IDiagnosticsLogger<DbLoggerCategory.Query> logger,
    ICurrentDbContext currentContext,
    IEvaluatableExpressionFilter evaluatableExpressionFilter,
    IModel model)
    : QueryCompiler(queryContextFactory, compiledQueryCache, compiledQueryCacheKeyGenerator, database, logger, currentContext, evaluatableExpressionFilter, model)
{
    /// <summary>Where the SQL Server text goes (one capture for the test that installs it).</summary>
    public static SqlServerCapture? Capture { get; set; }

    /// <summary>Queries the SQL Server provider could not translate: each would fail there at run time.</summary>
    public static ConcurrentQueue<string> Untranslated { get; } = new();

    public override TResult Execute<TResult>(Expression query)
    {
        Twin(query, typeof(TResult));
        return base.Execute<TResult>(query);
    }

    public override TResult ExecuteAsync<TResult>(Expression query, CancellationToken cancellationToken = default)
    {
        Twin(query, typeof(TResult));
        return base.ExecuteAsync<TResult>(query, cancellationToken);
    }

    private static readonly MethodInfo RunMethod = typeof(TwinQueryCompiler).GetMethod(nameof(Run), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static void Twin(Expression query, Type resultType)
    {
        if (Capture is not { } capture)
        {
            return;
        }

        using var db = capture.Open();
        var rewritten = new ToOtherModel(db).Visit(query);
        var syncType = resultType.IsGenericType && resultType.GetGenericTypeDefinition() == typeof(Task<>) ? resultType.GetGenericArguments()[0]
            : resultType.IsGenericType && resultType.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>) ? typeof(IEnumerable<>).MakeGenericType(resultType.GetGenericArguments()[0])
            : resultType;
        try
        {
            RunMethod.MakeGenericMethod(syncType).Invoke(null, [db, rewritten]);
        }
        catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException { Message: var message } && message.Contains("could not be translated", StringComparison.Ordinal))
        {
            Untranslated.Enqueue(message);
        }
        catch (TargetInvocationException)
        {
            // an empty answer where the query needs a row (First, Single, Max of a non-nullable): the command was captured
        }
    }

    private static void Run<T>(PartnerGraphDbContext db, Expression query)
    {
        var result = db.GetService<IQueryCompiler>().Execute<T>(query);
        if (result is System.Collections.IEnumerable rows and not string)
        {
            foreach (var _ in rows)
            {
            }
        }
    }

    /// <summary>Points the query's roots at the SQL Server context's model.</summary>
    private sealed class ToOtherModel(PartnerGraphDbContext db) : ExpressionVisitor
    {
        private readonly IAsyncQueryProvider provider = db.GetService<IAsyncQueryProvider>();

        protected override Expression VisitExtension(Expression node) =>
            node is EntityQueryRootExpression root && root.GetType() == typeof(EntityQueryRootExpression)
                ? new EntityQueryRootExpression(provider, db.Model.FindEntityType(root.EntityType.Name)!)
                : base.VisitExtension(node);
    }
}

public static class TwinQueries
{
    /// <summary>Installs the twin query compiler on every SQLite context of a server.</summary>
    [SuppressMessage("Usage", "EF1001:Internal EF Core API usage.", Justification = "See TwinQueryCompiler.")]
    public static void Install(IServiceCollection services) =>
        services.ConfigureDbContext<PartnerGraphDbContext>((_, options) => options.ReplaceService<IQueryCompiler, TwinQueryCompiler>());
}
