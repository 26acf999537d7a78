using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace PartnerGraph.Data;

/// <summary>
/// One write transaction at a time per SQLite file: writers take turns before they ask SQLite for its lock. SQLite lets
/// one writer in at a time anyway, but the others wait in its busy handler, which sleeps a thread-pool thread in steps
/// of 1 to 100 ms and so hands the lock on late and blocks the threads the rest of the server needs (measured with ten
/// concurrent referral changes on one instance: about half of the process's thread time asleep in BEGIN and COMMIT).
/// Within the process the turn is an async queue (no thread waits); across processes on the same file it is the
/// exclusive lock of <see cref="WriterFileLock"/>, which the kernel hands on the moment it is let go.
/// The turn is taken when EF Core begins a transaction (SaveChanges or BeginTransaction) and given back when that
/// transaction commits or rolls back, or at the latest when it is disposed (<see cref="GateReleasingTransactionFactory"/>:
/// EF Core raises no interceptor event for a transaction disposed unfinished, as a pooled context does). SaveChanges
/// of a single statement would run without a transaction (EF Core's default), so past the gate: here it always has one.
/// Statements outside EF Core's transactions (ExecuteUpdate, raw SQL) are left to SQLite's busy handler.
/// </summary>
public sealed class SqliteWriteGate : IDbTransactionInterceptor, ISaveChangesInterceptor
{
    /// <summary>How long a writer waits for the others (of its process, then of the others) before it is answered busy, as SQLite's busy timeout.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMilliseconds(SqliteBusyTimeout.Milliseconds);

    private const int SqliteBusy = 5;
    private static readonly ConcurrentDictionary<string, FileGate> Files = new(StringComparer.Ordinal);

    /// <summary>Which gate each connection in a write transaction holds.</summary>
    private static readonly ConditionalWeakTable<DbConnection, FileGate> Holders = [];
    private readonly FileGate gate;

    public SqliteWriteGate(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var file = builder.DataSource;
        var inMemory = builder.Mode == SqliteOpenMode.Memory || file.Length == 0 || file == ":memory:" || file.StartsWith("file:", StringComparison.Ordinal);
        var key = inMemory ? $"memory:{file}" : Path.GetFullPath(file);
        gate = Files.GetOrAdd(key, _ => new FileGate(inMemory ? null : WriterFileLock.For(key)));
    }

    /// <summary>Whether a transaction of this process holds the file's gate now (for tests).</summary>
    public bool IsHeld => gate.Local.CurrentCount == 0;

    /// <summary>Gives back the gate a connection's write transaction holds, if it still does (idempotent).</summary>
    public static void Release(DbConnection connection)
    {
        if (Holders.TryGetValue(connection, out var held) && Holders.Remove(connection))
        {
            held.Exit();
        }
    }

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
        Release(connection); // EF Core begins only on a connection with no transaction: an earlier turn ended unnoticed
        gate.Enter();
        return Begin(connection, eventData);
    }

    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        Release(connection);
        await gate.EnterAsync(cancellationToken).ConfigureAwait(false);
        return Begin(connection, eventData);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) => Released(eventData.Context);

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Release(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) => Released(eventData.Context);

    /// <summary>Begins the transaction here, so that a BEGIN that fails (the file gone, another process past the busy timeout) gives the gate back.</summary>
    private InterceptionResult<DbTransaction> Begin(DbConnection connection, TransactionStartingEventData eventData)
    {
        try
        {
            var transaction = connection.BeginTransaction(eventData.IsolationLevel);
            Holders.AddOrUpdate(connection, gate);
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

    private static void Release(DbContext? context)
    {
        if (context?.Database.GetDbConnection() is { } connection)
        {
            Release(connection);
        }
    }

    private static Task Released(DbContext? context)
    {
        Release(context);
        return Task.CompletedTask;
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

            try
            {
                EnterAcrossAsync(waited.Elapsed, CancellationToken.None).GetAwaiter().GetResult();
            }
            catch
            {
                Local.Release();
                throw;
            }
        }

        public async Task EnterAsync(CancellationToken cancellationToken)
        {
            var waited = Stopwatch.StartNew();
            if (!await Local.WaitAsync(Patience, cancellationToken).ConfigureAwait(false))
            {
                throw Busy();
            }

            try
            {
                await EnterAcrossAsync(waited.Elapsed, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Local.Release();
                throw;
            }
        }

        public void Exit()
        {
            held?.Release();
            held = null;
            Local.Release();
        }

        /// <summary>Called with this process's turn: waits for the other processes' as long as patience lasts (busy after it).</summary>
        private async Task EnterAcrossAsync(TimeSpan waited, CancellationToken cancellationToken)
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
                    await acquisition.Granted.WaitAsync(patience > TimeSpan.Zero ? patience : TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is TimeoutException or OperationCanceledException && acquisition.Abandon())
                {
                    throw e is TimeoutException ? Busy() : e;
                }
                catch (Exception e) when (e is TimeoutException or OperationCanceledException)
                {
                    // granted as the wait ended: the turn is this writer's
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

/// <summary>
/// EF Core's transactions on SQLite, which give the write gate back when they are disposed, however they ended:
/// a pooled context disposes a transaction its user left open without any event an interceptor would see.
/// </summary>
public sealed class GateReleasingTransactionFactory(RelationalTransactionFactoryDependencies dependencies) : RelationalTransactionFactory(dependencies)
{
    public override RelationalTransaction Create(IRelationalConnection connection, DbTransaction transaction, Guid transactionId, IDiagnosticsLogger<DbLoggerCategory.Database.Transaction> logger, bool transactionOwned) =>
        new GateReleasingTransaction(connection, transaction, transactionId, logger, transactionOwned, Dependencies.SqlGenerationHelper);

    private sealed class GateReleasingTransaction(IRelationalConnection connection, DbTransaction transaction, Guid transactionId, IDiagnosticsLogger<DbLoggerCategory.Database.Transaction> logger, bool transactionOwned, ISqlGenerationHelper sqlGenerationHelper)
        : RelationalTransaction(connection, transaction, transactionId, logger, transactionOwned, sqlGenerationHelper)
    {
        public override void Dispose()
        {
            base.Dispose();
            SqliteWriteGate.Release(Connection.DbConnection);
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync().ConfigureAwait(false);
            SqliteWriteGate.Release(Connection.DbConnection);
        }
    }
}
