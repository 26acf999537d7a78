using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;

namespace PartnerGraph.Data;

/// <summary>Tells a database that cannot be reached (file gone, disk failing, server down) from a bug.</summary>
public static class DatabaseAvailability
{
    public const string UnavailableCode = "DATABASE_UNAVAILABLE";

    private const int SqliteIoError = 10;
    private const int SqliteCannotOpen = 14;

    /// <summary>SQL Server's severities from 20 up end the connection (the server not reached, a network or fatal error).</summary>
    private const byte SqlServerConnectionSeverity = 20;

    /// <summary>SQL Server errors of a database that cannot be reached just now below that severity: timeout, cannot open the database, Azure SQL's unavailable and busy states.</summary>
    private static readonly int[] SqlServerUnavailableNumbers = [-2, 4060, 40197, 40501, 40613];

    /// <summary>
    /// True when the exception, or one it wraps, says the database could not be reached or read: SQLite cannot open the
    /// file (gone, its folder gone, not permitted) or fails reading or writing it; SQL Server cannot be reached (nothing
    /// listens, the network fails, the connection times out) or its transient failures outlasted the retries; or the
    /// server is still waiting for the database it could not reach at start.
    /// </summary>
    public static bool IsUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException sqlite when sqlite.SqliteErrorCode is SqliteCannotOpen or SqliteIoError:
                case RetryLimitExceededException: // SQL Server: transient failures outlasted the retries
                case SqlException server when server.Class >= SqlServerConnectionSeverity || SqlServerUnavailableNumbers.Contains(server.Number):
                case DatabaseNotPreparedException:
                    return true;
            }
        }

        return false;
    }
}
