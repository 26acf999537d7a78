using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace PartnerGraph.Data;

/// <summary>
/// Lets SQLite itself wait for another writer's lock (its busy handler sleeps 1, 2, 5, 10 ... ms between tries)
/// instead of answering busy at once, which Microsoft.Data.Sqlite meets by sleeping 150 ms before it tries again.
/// Two instances writing one file (changes, access log entries) then wait for each other milliseconds, not a
/// multiple of 150 ms: measured with 100 changes a second over two instances, a change's answer went from p50 157 ms
/// (and the writers falling behind the rate) to 55 ms. EF Core's write transactions now take their turn before they
/// reach SQLite (<see cref="SqliteWriteGate"/>), so this wait is left to statements outside them and to other programs
/// on the file. The setting lives on the native connection, which the pool keeps; it is set again on every open, for
/// connections the pool made before.
/// </summary>
public sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    /// <summary>How long SQLite waits for another connection's write lock before it answers busy.</summary>
    public const int Milliseconds = 30_000;

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The native call that <c>PRAGMA busy_timeout</c> makes, without preparing and running a statement on every open
    /// (a request opens a connection for each of its queries).
    /// </summary>
    private static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle })
        {
            SQLitePCL.raw.sqlite3_busy_timeout(handle, Milliseconds);
        }
    }
}
