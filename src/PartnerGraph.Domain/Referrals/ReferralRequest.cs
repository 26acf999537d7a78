using PartnerGraph.Domain.Cases;
using PartnerGraph.Domain.Organisations;

namespace PartnerGraph.Domain.Referrals;

/// <summary>What a sender asks for when it refers a case; the rules of <see cref="Open"/> decide whether it may.</summary>
public sealed record ReferralRequest(
    string ToOrganisationId,
    ReferralKind Kind,
    string? DestinationCountry,
    ReferralUrgency Urgency,
    ReferralServices Services,
    ConsentGiver? ConsentGivenBy,
    DateTime? ConsentRecordedAt)
{
    /// <summary>
    /// The new referral, SUBMITTED by the sender with its first history entry, or a refusal: consent must be recorded
    /// (CONSENT_REQUIRED); a domestic referral stays in one country; a transnational one names the receiver's country.
    /// </summary>
    public Referral Open(Organisation sender, Organisation receiver, string reference, DateTime at)
    {
        if (ConsentGivenBy is not { } consent)
        {
            throw new RuleRefusedException(ReferralProblemCodes.ConsentRequired, "Record who consented to the referral (consent.givenBy): no referral is made without consent for services.");
        }

        var consentAt = ConsentRecordedAt?.ToUniversalTime() ?? at;
        if (consentAt > at)
        {
            throw new RuleRefusedException(ReferralProblemCodes.InvalidReferral, "consent.recordedAt is in the future.");
        }

        if (sender.Id == receiver.Id)
        {
            throw new RuleRefusedException(ReferralProblemCodes.InvalidReferral, "An organisation cannot refer a case to itself; name another organisation.");
        }

        if (Services == ReferralServices.None)
        {
            throw new RuleRefusedException(ReferralProblemCodes.InvalidReferral, "Ask for at least one service.");
        }

        var destination = string.IsNullOrWhiteSpace(DestinationCountry) ? null : DestinationCountry.Trim().ToUpperInvariant();
        if (Kind == ReferralKind.Domestic)
        {
            if (destination is not null)
            {
                throw new RuleRefusedException(ReferralProblemCodes.InvalidReferral, "A DOMESTIC referral has no destinationCountry; use TRANSNATIONAL to refer across a border.");
            }

            if (sender.Country != receiver.Country)
            {
                throw new RuleRefusedException(ReferralProblemCodes.InvalidReferral, $"The receiver is in {receiver.Country}: a referral across a border is TRANSNATIONAL, with destinationCountry {receiver.Country}.");
            }
        }
        else
        {
            if (destination is null || !CountryCodes.IsAssigned(destination))
            {
                throw new RuleRefusedException(ReferralProblemCodes.InvalidReferral, "A TRANSNATIONAL referral needs destinationCountry, an ISO 3166-1 alpha-2 code such as MM.");
            }

            if (destination != receiver.Country || sender.Country == receiver.Country)
            {
                throw new RuleRefusedException(ReferralProblemCodes.InvalidReferral, $"destinationCountry must be the receiver's country in another country than the sender's; the receiver is in {receiver.Country}, the sender in {sender.Country}.");
            }
        }

        return new Referral
        {
            Reference = reference,
            Kind = Kind,
            DestinationCountry = destination,
            Urgency = Urgency,
            Services = Services,
            FromOrganisationId = sender.Id,
            ToOrganisationId = receiver.Id,
            ConsentGivenBy = consent,
            ConsentRecordedAt = consentAt,
            CreatedAt = at,
            UpdatedAt = at,
            History =
            [
                new ReferralStatusChange
                {
                    ReferralId = 0,
                    Status = ReferralStatus.Submitted,
                    ChangedAt = at,
                    ChangedByOrganisationId = sender.Id,
                },
            ],
        };
    }
}
