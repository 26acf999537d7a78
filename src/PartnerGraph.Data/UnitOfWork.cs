using Microsoft.EntityFrameworkCore;

namespace PartnerGraph.Data;

/// <summary>
/// The one way to run work that spans several statements: inside the provider's execution strategy, so that on SQL
/// Server (retry on failure) a transient failure runs the whole unit again from its first read, where EF Core would
/// refuse a transaction begun by hand. On SQLite the strategy does not retry, and this costs nothing.
/// </summary>
public static class UnitOfWork
{
    /// <summary>
    /// Runs <paramref name="work"/> in the execution strategy; each attempt starts with an empty change tracker, so it
    /// reads what the database holds now, not what a failed attempt tracked. The work may begin its own transaction.
    /// </summary>
    public static Task<T> RetryingAsync<T>(this PartnerGraphDbContext db, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(work);
        return db.Database.CreateExecutionStrategy().ExecuteAsync(ct =>
        {
            db.ChangeTracker.Clear();
            return work(ct);
        }, cancellationToken);
    }

    /// <summary>Runs <paramref name="work"/> as one transaction, committed when it returns, inside the execution strategy.</summary>
    public static Task<T> InTransactionAsync<T>(this PartnerGraphDbContext db, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        return db.RetryingAsync(async ct =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            var result = await work(ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            return result;
        }, cancellationToken);
    }
}
