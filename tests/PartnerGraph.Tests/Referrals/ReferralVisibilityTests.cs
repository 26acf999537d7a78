using PartnerGraph.Domain.Referrals;

namespace PartnerGraph.Tests.Referrals;

/// <summary>The one rule of who sees a referral, as queries, mutations and the event feed apply it.</summary>
public sealed class ReferralVisibilityTests
{
    private static readonly OutboxEvent Event = new() { Sequence = 1, ReferralId = 7, FromOrganisationId = "atd", ToOrganisationId = "wvft", OccurredAt = DateTime.UnixEpoch };

    [Theory]
    [InlineData("atd", true)]
    [InlineData("wvft", true)]
    [InlineData("shelter-northern-children", false)]
    [InlineData("ATD", false)]
    [InlineData("", false)]
    public void Only_the_sender_and_the_receiver_see_a_referral_and_its_events(string organisation, bool sees)
    {
        var referralRule = ReferralVisibility.SentOrReceivedBy<Referral>(organisation).Compile();
        var eventRule = ReferralVisibility.SentOrReceivedBy<OutboxEvent>(organisation).Compile();
        var referral = new Referral
        {
            Reference = "REF-2026-000001",
            Kind = ReferralKind.Domestic,
            Urgency = ReferralUrgency.Routine,
            Services = ReferralServices.Shelter,
            FromOrganisationId = "atd",
            ToOrganisationId = "wvft",
            ConsentGivenBy = ConsentGiver.Child,
            ConsentRecordedAt = DateTime.UnixEpoch,
            CreatedAt = DateTime.UnixEpoch,
        };

        Assert.Equal((sees, sees), (referralRule(referral), eventRule(Event)));
    }
}
