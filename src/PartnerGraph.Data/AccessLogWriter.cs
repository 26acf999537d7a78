using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PartnerGraph.Domain.Audit;

namespace PartnerGraph.Data;

/// <summary>
/// Adds entries to the access log with a group commit: every request waits until its entry is written, and the
/// entries of requests that arrive together are written by one writer in one transaction. Concurrent requests then
/// neither queue for the database's write lock one by one (on SQLite, each would wait its turn or retry) nor share a
/// DbContext with the request.
/// </summary>
public sealed partial class AccessLogWriter : IAsyncDisposable
{
    /// <summary>At most this many entries in one transaction.</summary>
    private const int MaxBatch = 256;

    private readonly IDbContextFactory<PartnerGraphDbContext> databases;
    private readonly ILogger<AccessLogWriter> logger;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task writing;

    public AccessLogWriter(IDbContextFactory<PartnerGraphDbContext> databases, ILogger<AccessLogWriter> logger)
    {
        this.databases = databases;
        this.logger = logger;
        writing = Task.Run(WriteBatchesAsync);
    }

    /// <summary>
    /// Completes when the entry is written (or known lost, which is logged); never throws. The token only stops the
    /// waiting, never the write: pass one the client cannot cancel (not RequestAborted) to answer after the entry is
    /// on record.
    /// </summary>
    public Task WriteAsync(AccessLogEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var pending = new Pending(entry);
        if (!queue.Writer.TryWrite(pending))
        {
            LogLost(logger, nameof(ObjectDisposedException), entry.Outcome, entry.At);
            return Task.CompletedTask;
        }

        return ct.CanBeCanceled ? pending.Written.Task.WaitAsync(ct) : pending.Written.Task;
    }

    private async Task WriteBatchesAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }

            if (!await TrySaveAsync(batch).ConfigureAwait(false) && batch.Count > 1)
            {
                // One entry the database refuses must not take the others with it: each on its own, then.
                foreach (var single in batch)
                {
                    await TrySaveAsync([single]).ConfigureAwait(false);
                }
            }

            foreach (var written in batch)
            {
                written.Written.TrySetResult();
            }

            batch.Clear();
        }
    }

    private async Task<bool> TrySaveAsync(IReadOnlyList<Pending> batch)
    {
        try
        {
            await using var db = await databases.CreateDbContextAsync().ConfigureAwait(false);
            await db.RetryingAsync(ct =>
            {
                db.AccessLog.AddRange(batch.Select(p => p.Entry));
                return db.SaveChangesAsync(ct);
            }).ConfigureAwait(false);
            return true;
        }
        catch (Exception e)
        {
            // Swallowed so that a partner's answer never fails for the audit; these Error lines are how lost entries
            // are noticed. Only the exception's type: its message could quote an entry.
            if (batch.Count == 1)
            {
                LogLost(logger, e.GetType().Name, batch[0].Entry.Outcome, batch[0].Entry.At);
            }

            return false;
        }
    }

    /// <summary>Writes what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writing.ConfigureAwait(false);
    }

    private sealed record Pending(AccessLogEntry Entry)
    {
        public TaskCompletionSource Written { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Access log entry lost: {ExceptionType} while writing the {Outcome} request of {At:O}")]
    private static partial void LogLost(ILogger logger, string exceptionType, AccessOutcome outcome, DateTime at);
}
