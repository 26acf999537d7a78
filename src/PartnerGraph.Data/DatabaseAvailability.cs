using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;

namespace PartnerGraph.Data;

/// <summary>Tells a database that cannot be reached (file gone, disk failing, server down) from a bug.</summary>
public static class DatabaseAvailability
{
    public const string UnavailableCode = "DATABASE_UNAVAILABLE";

    private const int SqliteIoError = 10;
    private const int SqliteCannotOpen = 14;

    /// <summary>
    /// True when the exception, or one it wraps, says the database could not be reached or read: SQLite cannot open the
    /// file (gone, its folder gone, not permitted) or fails reading or writing it.
    /// </summary>
    public static bool IsUnavailable(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException sqlite when sqlite.SqliteErrorCode is SqliteCannotOpen or SqliteIoError:
                case RetryLimitExceededException: // SQL Server: transient failures outlasted the retries
                    return true;
            }
        }

        return false;
    }
}
