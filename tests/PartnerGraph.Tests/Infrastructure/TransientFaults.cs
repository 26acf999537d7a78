using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Data;

namespace PartnerGraph.Tests.Infrastructure;

/// <summary>A failure the retrying strategy takes as transient, as SQL Server's takes a dropped connection or a deadlock.</summary>
public sealed class TransientTestException() : DbException("a transient failure injected by the test");

/// <summary>
/// An execution strategy that retries like SqlServerRetryingExecutionStrategy (EF Core's ExecutionStrategy base: up to
/// six retries, and the same refusal of a transaction begun outside it), on SQLite, where the test runs.
/// </summary>
public sealed class RetryingTestStrategy(ExecutionStrategyDependencies dependencies)
    : ExecutionStrategy(dependencies, maxRetryCount: 6, maxRetryDelay: TimeSpan.FromMilliseconds(20))
{
    protected override bool ShouldRetryOn(Exception exception) => exception is TransientTestException;

    /// <summary>Runs every context of the server on SQLite under this strategy, with the faults given.</summary>
    public static void Install(IServiceCollection services, TransientFaults faults)
    {
        services.AddSingleton<IInterceptor>(faults);
        services.ConfigureDbContext<PartnerGraphDbContext>((_, options) => options.UseSqlite(sqlite => sqlite.ExecutionStrategy(d => new RetryingTestStrategy(d))));
    }
}

/// <summary>
/// Fails the first write statement after each commit once, before it reaches the database, as a connection dropped
/// mid-transaction would: every unit of work meets one failure and must be run again whole to succeed.
/// </summary>
public sealed class TransientFaults : DbCommandInterceptor, IDbTransactionInterceptor
{
    private int armed = 1;
    private int injected;

    /// <summary>How many failures were injected (each one retried, or the unit of work failed).</summary>
    public int Injected => Volatile.Read(ref injected);

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        FailOnce(command);
        return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        FailOnce(command);
        return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        FailOnce(command);
        return base.NonQueryExecuting(command, eventData, result);
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        FailOnce(command);
        return base.ReaderExecuting(command, eventData, result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Volatile.Write(ref armed, 1);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Volatile.Write(ref armed, 1);
        return Task.CompletedTask;
    }

    private void FailOnce(DbCommand command)
    {
        var sql = command.CommandText.TrimStart();
        var writes = sql.Contains("INSERT ", StringComparison.Ordinal) || sql.Contains("UPDATE ", StringComparison.Ordinal) || sql.Contains("DELETE ", StringComparison.Ordinal);
        if (writes && command.Transaction is not null && Interlocked.Exchange(ref armed, 0) == 1)
        {
            Interlocked.Increment(ref injected);
            throw new TransientTestException();
        }
    }
}
