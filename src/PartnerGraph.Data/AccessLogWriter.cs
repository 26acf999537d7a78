using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PartnerGraph.Domain.Audit;

namespace PartnerGraph.Data;

/// <summary>Adds one entry to the access log, with a DbContext of its own so that it never shares the request's.</summary>
public sealed partial class AccessLogWriter(IDbContextFactory<PartnerGraphDbContext> databases, ILogger<AccessLogWriter> logger)
{
    /// <summary>
    /// Writes the entry; never throws. Pass a token that the client cannot cancel (not RequestAborted), or a client
    /// that hangs up would leave no trace.
    /// </summary>
    public async Task WriteAsync(AccessLogEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            await using var db = await databases.CreateDbContextAsync(ct).ConfigureAwait(false);
            db.AccessLog.Add(entry);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Swallowed so that a partner's answer never fails for the audit; this Error line is how a lost entry is
            // noticed. Only the exception's type: its message could quote the entry.
            LogLost(logger, e.GetType().Name, entry.Outcome, entry.At);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Access log entry lost: {ExceptionType} while writing the {Outcome} request of {At:O}")]
    private static partial void LogLost(ILogger logger, string exceptionType, AccessOutcome outcome, DateTime at);
}
