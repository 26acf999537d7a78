using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PartnerGraph.Data;

/// <summary>
/// One write transaction at a time per SQLite file in this process, queued in order and awaited without a thread.
/// SQLite lets one writer in at a time anyway; without the gate every other connection of the process that begins a
/// transaction meanwhile waits inside SQLite's busy handler, which sleeps a thread-pool thread in steps of 1 to 100 ms
/// and so hands the lock on late, and blocks the threads the rest of the server needs (measured with ten concurrent
/// referral changes on one instance: about half of the process's thread time was spent asleep in BEGIN and COMMIT).
/// With the gate a writer starts the moment the one before it ends; only another process (a second instance on the
/// same file) is still waited for in SQLite's busy handler.
/// The gate is taken when EF Core begins a transaction (SaveChanges or BeginTransaction) and given back when that
/// transaction commits, rolls back or fails, or its connection closes (a transaction disposed unfinished). SaveChanges
/// of a single statement would run without a transaction (EF Core's default), so past the gate: here it always has one.
/// Statements outside EF Core's transactions (ExecuteUpdate, raw SQL) are left to SQLite's busy handler.
/// </summary>
public sealed class SqliteWriteGate : IDbTransactionInterceptor, IDbConnectionInterceptor, ISaveChangesInterceptor
{
    /// <summary>How long a writer waits for the others of its process before it is answered busy, as SQLite's busy timeout.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMilliseconds(SqliteBusyTimeout.Milliseconds);

    private const int SqliteBusy = 5;
    private static readonly ConcurrentDictionary<string, FileGate> Files = new(StringComparer.Ordinal);
    private static readonly object Held = new();
    private readonly FileGate gate;
    private readonly ConditionalWeakTable<DbConnection, object> holders = [];

    public SqliteWriteGate(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var inMemory = file.Length == 0 || file == ":memory:" || file.StartsWith("file:", StringComparison.Ordinal);
        var key = inMemory ? file : Path.GetFullPath(file);
        gate = Files.GetOrAdd(key, path => new FileGate(inMemory ? null : WriterFileLock.For(path)));
    }

    /// <summary>Whether a transaction of this process holds the file's gate now (for tests).</summary>
    public bool IsHeld => gate.Local.CurrentCount == 0;

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        AlwaysInTransaction(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        AlwaysInTransaction(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        gate.Enter();
        return Begin(connection, eventData);
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        await gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        return Begin(connection, eventData);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) => Released(eventData.Context);

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) => Released(eventData.Context);

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Release(eventData.Context);

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default) => Released(eventData.Context);

    public InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult ConnectionDisposing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return result;
    }

    public ValueTask<InterceptionResult> ConnectionDisposingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Release(connection);
        return ValueTask.FromResult(result);
    }

    /// <summary>Begins the transaction here, so that a BEGIN that fails (the file gone, another process past the busy timeout) gives the gate back.</summary>
    private InterceptionResult<DbTransaction> Begin(DbConnection connection, TransactionStartingEventData eventData)
    {
        try
        {
            var transaction = connection.BeginTransaction(eventData.IsolationLevel);
            holders.AddOrUpdate(connection, Held);
            return InterceptionResult<DbTransaction>.SuppressWithResult(transaction);
        }
        catch
        {
            gate.Exit();
            throw;
        }
    }

    private static void AlwaysInTransaction(DbContext? context)
    {
        if (context is not null)
        {
            context.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
        }
    }

    private void Release(DbContext? context)
    {
        if (context?.Database.GetDbConnection() is { } connection)
        {
            Release(connection);
        }
    }

    private Task Released(DbContext? context)
    {
        Release(context);
        return Task.CompletedTask;
    }

    private void Release(DbConnection connection)
    {
        if (holders.Remove(connection))
        {
            gate.Exit();
        }
    }

    private static SqliteException Busy() =>
        new($"database is locked: other writers held it for {Patience.TotalSeconds:F0} s", SqliteBusy);

    /// <summary>The writers' turn for one file: this process's queue first, then the other processes' (the lock file).</summary>
    private sealed class FileGate(WriterFileLock? across)
    {
        private WriterFileLock.Acquisition? held;

        public SemaphoreSlim Local { get; } = new(1, 1);

        public void Enter()
        {
            var waited = Stopwatch.StartNew();
            if (!Local.Wait(Patience))
            {
                throw Busy();
            }

            EnterAcrossAsync(waited.Elapsed).GetAwaiter().GetResult();
        }

        public async Task EnterAsync(CancellationToken cancellationToken)
        {
            var waited = Stopwatch.StartNew();
            if (!await Local.WaitAsync(Patience, cancellationToken).ConfigureAwait(false))
            {
                throw Busy();
            }

            await EnterAcrossAsync(waited.Elapsed).ConfigureAwait(false);
        }

        public void Exit()
        {
            held?.Release();
            held = null;
            Local.Release();
        }

        /// <summary>Called with this process's turn: waits for the other processes' as long as patience lasts, or gives the turn back.</summary>
        private async Task EnterAcrossAsync(TimeSpan waited)
        {
            var acquisition = across?.Acquire();
            if (acquisition is null)
            {
                return; // no lock file (another system, or its folder gone): SQLite's own lock keeps writers apart
            }

            if (!acquisition.Granted.IsCompletedSuccessfully)
            {
                try
                {
                    var patience = Patience - waited;
                    await acquisition.Granted.WaitAsync(patience > TimeSpan.Zero ? patience : TimeSpan.Zero).ConfigureAwait(false);
                }
                catch (TimeoutException) when (acquisition.Abandon())
                {
                    Local.Release();
                    throw Busy();
                }
                catch (TimeoutException)
                {
                    // granted as patience ran out: the turn is this writer's
                }
                catch (IOException)
                {
                    return; // the lock file failed: SQLite's own lock keeps writers apart
                }
            }

            held = acquisition;
        }
    }
}
