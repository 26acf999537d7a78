using System.ComponentModel;

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
    [Description("Between two organisations in one country.")]
    Domestic,
    [Description("Across a border, with destinationCountry (the transnational referral mechanism).")]
    Transnational,
}

public enum ReferralUrgency
{
    [Description("Services within the usual time.")]
    Routine,
    [Description("Services needed within days.")]
    Urgent,
    [Description("The child is in danger now: services needed at once.")]
    Emergency,
}

/// <summary>Who gave consent to the referral (as Primero records consent for services).</summary>
public enum ConsentGiver
{
    [Description("The child consented, at an age and maturity to do so.")]
    Child,
    [Description("The child's parent or legal guardian consented.")]
    ParentOrGuardian,
    [Description("A case worker decided in the child's best interest, where no one else could consent safely.")]
    CaseWorkerInBestInterest,
}

[Flags]
public enum ReferralServices
{
    None = 0,
    [Description("A safe place to stay.")]
    Shelter = 1,
    [Description("Medical care.")]
    Medical = 2,
    [Description("Counselling and psychosocial support.")]
    Psychosocial = 4,
    [Description("Legal advice and representation.")]
    LegalAid = 8,
    [Description("Safe return to the country of origin.")]
    Repatriation = 16,
    [Description("Finding and assessing the family.")]
    FamilyTracing = 32,
    [Description("Schooling or non-formal education.")]
    Education = 64,
    [Description("Training for work.")]
    VocationalTraining = 128,
}
