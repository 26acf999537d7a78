namespace PartnerGraph.Domain.Webhooks;

/// <summary>Whether an endpoint is delivered to.</summary>
public enum WebhookStatus
{
    Active,
    Disabled,
}

/// <summary>
/// An address a partner registered for its organisation: each referral status change the organisation may see is run
/// through its subscription document and POSTed there, signed, one at a time in sequence order.
/// </summary>
public sealed class WebhookEndpoint
{
    public long Id { get; init; }

    public required string OrganisationId { get; init; }

    public required string Url { get; init; }

    /// <summary>The referralStatusChanged subscription document the partner chose its fields with.</summary>
    public required string Document { get; init; }

    /// <summary>The document's variables as JSON, if any.</summary>
    public string? Variables { get; init; }

    public WebhookStatus Status { get; set; }

    /// <summary>Why it was disabled, for the partner to read.</summary>
    public string? DisabledReason { get; set; }

    public DateTime? DisabledAt { get; set; }

    /// <summary>The signing secret, shown once (whsec_...) and stored encrypted under Webhooks:SecretKey (v1.KEYID.DATA), opened only to sign.</summary>
    public required string Secret { get; set; }

    /// <summary>The secret before the last rotation (stored encrypted like <see cref="Secret"/>), still signed with until <see cref="PreviousSecretUntil"/> so receivers can switch without a gap.</summary>
    public string? PreviousSecret { get; set; }

    public DateTime? PreviousSecretUntil { get; set; }

    public required DateTime CreatedAt { get; init; }

    public DateTime? SecretRotatedAt { get; set; }

    /// <summary>The last sequence delivered (acknowledged with 2xx); the next delivery is the first visible event after it.</summary>
    public long Cursor { get; set; }

    /// <summary>The instance delivering to this endpoint now, while <see cref="LeaseExpiresAt"/> is ahead.</summary>
    public string? LeaseOwner { get; set; }

    public DateTime? LeaseExpiresAt { get; set; }
}

/// <summary>Where the delivery of one event to one endpoint stands.</summary>
public enum WebhookDeliveryStatus
{
    /// <summary>Not yet acknowledged; <see cref="WebhookDelivery.NextAttemptAt"/> says when it is tried again.</summary>
    Pending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Given up: the endpoint was disabled while it was pending.</summary>
    Failed,
}

/// <summary>The delivery of one event (by its sequence) to one endpoint: its attempts, the last error, the next attempt.</summary>
public sealed class WebhookDelivery
{
    public long Id { get; init; }

    public required long EndpointId { get; init; }

    public required long Sequence { get; init; }

    public WebhookDeliveryStatus Status { get; set; }

    public int Attempts { get; set; }

    public required DateTime FirstAttemptAt { get; init; }

    public DateTime? LastAttemptAt { get; set; }

    public DateTime? NextAttemptAt { get; set; }

    public DateTime? DeliveredAt { get; set; }

    /// <summary>The receiver's status code of the last attempt, when it answered.</summary>
    public int? LastStatusCode { get; set; }

    /// <summary>What went wrong the last time, in words a partner can act on (never the receiver's body).</summary>
    public string? LastError { get; set; }
}
