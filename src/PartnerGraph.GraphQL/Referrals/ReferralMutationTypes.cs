using GraphQL.Types;
using PartnerGraph.Domain.Referrals;

namespace PartnerGraph.GraphQL.Referrals;

/// <summary>The createReferral input as GraphQL has parsed it.</summary>
public sealed class CreateReferralInput
{
    public string ToOrganisation { get; set; } = "";
    public ReferralKind Kind { get; set; }
    public string? DestinationCountry { get; set; }
    public ReferralUrgency Urgency { get; set; } = ReferralUrgency.Routine;
    public List<ReferralServices> Services { get; set; } = [];
    public ReferralConsentInput? Consent { get; set; }

    public ReferralRequest ToRequest() => new(
        ToOrganisation,
        Kind,
        DestinationCountry,
        Urgency,
        Services.Aggregate(ReferralServices.None, (all, s) => all | s),
        Consent?.GivenBy,
        Consent?.RecordedAt);
}

public sealed class ReferralConsentInput
{
    public ConsentGiver GivenBy { get; set; }
    public DateTime? RecordedAt { get; set; }
}

public sealed class CreateReferralInputType : InputObjectGraphType<CreateReferralInput>
{
    public CreateReferralInputType()
    {
        Name = "CreateReferralInput";
        Description = "A referral from the caller's organisation (the sender) to another organisation.";
        Field<NonNullGraphType<StringGraphType>>("toOrganisation").Description("The receiver's slug, e.g. \"shelter-chiang-mai\"; the organisations query lists them.");
        Field<NonNullGraphType<EnumerationGraphType<ReferralKind>>>("kind").Description("DOMESTIC inside one country; TRANSNATIONAL across a border, with destinationCountry.");
        Field<StringGraphType>("destinationCountry").Description("ISO 3166-1 alpha-2 code of the receiver's country, for a TRANSNATIONAL referral.");
        Field<EnumerationGraphType<ReferralUrgency>>("urgency").DefaultValue(ReferralUrgency.Routine);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ReferralServiceType>>>>("services").Description("The services asked for; at least one.");
        Field<ReferralConsentInputType>("consent").Description("Who consented to the referral. Without it the referral is refused with CONSENT_REQUIRED.");
    }
}

public sealed class ReferralConsentInputType : InputObjectGraphType<ReferralConsentInput>
{
    public ReferralConsentInputType()
    {
        Name = "ReferralConsentInput";
        Field<NonNullGraphType<EnumerationGraphType<ConsentGiver>>>("givenBy");
        Field<DateTimeGraphType>("recordedAt").Description("When consent was recorded; now when left out. Never in the future.");
    }
}

/// <summary>One status change asked for by a sender or a receiver.</summary>
public sealed class ReferralTransitionInput
{
    public string ReferralId { get; set; } = "";
    public int ExpectedVersion { get; set; }
    public string? Reason { get; set; }
}

public sealed class ReferralTransitionInputType : InputObjectGraphType<ReferralTransitionInput>
{
    public ReferralTransitionInputType()
    {
        Name = "ReferralTransitionInput";
        Field<NonNullGraphType<IdGraphType>>("referralId");
        Field<NonNullGraphType<IntGraphType>>("expectedVersion").Description("The version you last read. If the referral has changed since, nothing changes and the answer is CONCURRENT_UPDATE.");
        Field<StringGraphType>("reason").Description($"Why; required to decline. At most {ReferralWorkflow.MaxReasonLength} characters and never personal data (PII_NOT_ALLOWED).");
    }
}

public sealed record ReferralPayload(Referral Referral, ReferralStatusChange Change);

public sealed class ReferralPayloadType : ObjectGraphType<ReferralPayload>
{
    public ReferralPayloadType()
    {
        Name = "ReferralPayload";
        Field<NonNullGraphType<ReferralType>, Referral>("referral").Description("The referral as it is now.").Resolve(c => c.Source.Referral);
        Field<NonNullGraphType<ReferralStatusChangeType>, ReferralStatusChange>("change").Description("The history entry this mutation wrote; its sequence is the event subscribers receive.").Resolve(c => c.Source.Change);
    }
}
