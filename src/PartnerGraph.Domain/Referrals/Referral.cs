namespace PartnerGraph.Domain.Referrals;

/// <summary>The hand-over of one pseudonymised case from one organisation to another, for services.</summary>
public sealed class Referral : IReferralParties
{
    public long Id { get; init; }

    /// <summary>Readable reference, e.g. REF-2026-000123.</summary>
    public required string Reference { get; init; }

    public required ReferralKind Kind { get; init; }

    /// <summary>ISO 3166-1 alpha-2 of the destination country, for transnational referrals.</summary>
    public string? DestinationCountry { get; init; }

    public required ReferralUrgency Urgency { get; init; }
    public required ReferralServices Services { get; init; }
    public required string FromOrganisationId { get; init; }
    public required string ToOrganisationId { get; init; }
    public long? CaseRecordId { get; init; }

    public required ConsentGiver ConsentGivenBy { get; init; }
    public required DateTime ConsentRecordedAt { get; init; }

    public ReferralStatus Status { get; set; } = ReferralStatus.Submitted;

    /// <summary>Optimistic concurrency: every change adds one.</summary>
    public int Version { get; set; } = 1;

    public required DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }

    public List<ReferralStatusChange> History { get; init; } = [];

    /// <summary>The side an organisation stands on, or null when it neither sent nor received the referral.</summary>
    public ReferralParty? PartyOf(string organisationId) =>
        organisationId == FromOrganisationId ? ReferralParty.Sender
        : organisationId == ToOrganisationId ? ReferralParty.Receiver
        : null;
}

public enum ReferralKind
{
    Domestic,
    Transnational,
}

public enum ReferralUrgency
{
    Routine,
    Urgent,
    Emergency,
}

/// <summary>Who gave consent to the referral (as Primero records consent for services).</summary>
public enum ConsentGiver
{
    Child,
    ParentOrGuardian,
    CaseWorkerInBestInterest,
}

[Flags]
public enum ReferralServices
{
    None = 0,
    Shelter = 1,
    Medical = 2,
    Psychosocial = 4,
    LegalAid = 8,
    Repatriation = 16,
    FamilyTracing = 32,
    Education = 64,
    VocationalTraining = 128,
}
