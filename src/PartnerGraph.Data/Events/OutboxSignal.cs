namespace PartnerGraph.Data.Events;

/// <summary>
/// Tells the event feeds of every instance that the outbox has new events. It carries no event: feeds read them from
/// the outbox, in sequence order, so a lost signal delays an event (until the next poll) but never loses it.
/// </summary>
public abstract class OutboxSignal
{
    /// <summary>Raised on this instance when any instance has written to the outbox, or when the signal's link is back.</summary>
    public event Action? Signalled;

    /// <summary>Whether the signal reaches the other instances now (always, for one instance alone).</summary>
    public virtual bool IsConnected => true;

    /// <summary>Called after a transaction that wrote outbox events has committed.</summary>
    public abstract void Notify();

    protected void Raise() => Signalled?.Invoke();
}

/// <summary>One instance alone: the signal never leaves the process.</summary>
public sealed class LocalOutboxSignal : OutboxSignal
{
    public override void Notify() => Raise();
}
