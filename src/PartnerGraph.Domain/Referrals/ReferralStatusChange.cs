namespace PartnerGraph.Domain.Referrals;

/// <summary>One entry of a referral's history. Its sequence is strictly increasing across the whole system.</summary>
public sealed class ReferralStatusChange
{
    public long Sequence { get; init; }
    public required long ReferralId { get; init; }
    public ReferralStatus? PreviousStatus { get; init; }
    public required ReferralStatus Status { get; init; }
    public required DateTime ChangedAt { get; init; }
    public required string ChangedByOrganisationId { get; init; }

    /// <summary>Why, where the move asks for one (declined, withdrawn).</summary>
    public string? Reason { get; init; }
}

/// <summary>
/// The outbox: one event per status change, written in the same transaction as the change.
/// Subscriptions are fed from here, never from memory alone.
/// </summary>
public sealed class OutboxEvent : IReferralParties
{
    /// <summary>The sequence of the history entry it publishes.</summary>
    public required long Sequence { get; init; }

    public required long ReferralId { get; init; }
    public required string FromOrganisationId { get; init; }
    public required string ToOrganisationId { get; init; }
    public required DateTime OccurredAt { get; init; }
    public DateTime? PublishedAt { get; set; }

    public ReferralStatusChange? Change { get; init; }

    /// <summary>The event of a change of a referral that already has its id; the change's sequence becomes the event's when both are written.</summary>
    public static OutboxEvent Of(Referral referral, ReferralStatusChange change) => new()
    {
        Sequence = change.Sequence,
        ReferralId = referral.Id,
        FromOrganisationId = referral.FromOrganisationId,
        ToOrganisationId = referral.ToOrganisationId,
        OccurredAt = change.ChangedAt,
        Change = change,
    };
}
