namespace PartnerGraph.Client.Subscriptions;

/// <summary>
/// Where a subscription keeps the last sequence it handed out, so that the next run resumes after it. One store per
/// subscription. Implement it on your own database to save the sequence in the same transaction as your handling.
/// </summary>
public interface ISequenceStore
{
    /// <summary>The last sequence saved, or null when none was ever saved (the subscription then starts at its StartAfter).</summary>
    ValueTask<long?> LoadAsync(CancellationToken cancellationToken);

    /// <summary>Records the sequence of the item just handled. Called once per item, in order, before the next item is handed out.</summary>
    ValueTask SaveAsync(long sequence, CancellationToken cancellationToken);
}

/// <summary>A store in memory: resumes across disconnects within one process only.</summary>
public sealed class InMemorySequenceStore : ISequenceStore
{
    private long sequence;

    /// <summary>A store that starts holding the sequence given (null: none).</summary>
    public InMemorySequenceStore(long? sequence = null) => this.sequence = sequence ?? -1;

    /// <inheritdoc/>
    public ValueTask<long?> LoadAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult(Interlocked.Read(ref sequence) is var saved and >= 0 ? saved : (long?)null);

    /// <inheritdoc/>
    public ValueTask SaveAsync(long sequence, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        Interlocked.Exchange(ref this.sequence, sequence);
        return ValueTask.CompletedTask;
    }
}
