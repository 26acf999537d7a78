namespace PartnerGraph.Client.Subscriptions;

/// <summary>What happened to a subscription's connection: for your logs and health checks.</summary>
public enum SubscriptionEventKind
{
    /// <summary>The server acknowledged the connection and the subscription was sent, resuming after <see cref="SubscriptionEvent.After"/>.</summary>
    Subscribed,

    /// <summary>The connection ended, or an attempt failed, in a way another attempt may mend; the next comes after <see cref="SubscriptionEvent.RetryIn"/>.</summary>
    Lost,
}

/// <summary>One change of a subscription's connection.</summary>
/// <param name="Kind">Subscribed or lost.</param>
/// <param name="After">The last sequence handed out when it happened (the resume point).</param>
/// <param name="Detail">Why the connection was lost (close code and reason, error code), or null.</param>
/// <param name="RetryIn">How long until the next attempt, for a loss.</param>
public sealed record SubscriptionEvent(SubscriptionEventKind Kind, long After, string? Detail, TimeSpan? RetryIn);
