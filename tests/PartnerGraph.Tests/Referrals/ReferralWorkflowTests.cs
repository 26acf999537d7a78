using PartnerGraph.Domain;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Domain.Referrals;

namespace PartnerGraph.Tests.Referrals;

/// <summary>The referral state machine, move by move: every allowed move and every refused one.</summary>
public sealed class ReferralWorkflowTests
{
    private static readonly DateTime At = new(2026, 11, 26, 8, 0, 0, DateTimeKind.Utc);

    // The brief's moves, written out again here so that the table in the domain is checked against the text.
    private static readonly HashSet<(ReferralStatus, ReferralStatus, ReferralParty)> Allowed =
    [
        (ReferralStatus.Submitted, ReferralStatus.Acknowledged, ReferralParty.Receiver),
        (ReferralStatus.Acknowledged, ReferralStatus.Accepted, ReferralParty.Receiver),
        (ReferralStatus.Acknowledged, ReferralStatus.Declined, ReferralParty.Receiver),
        (ReferralStatus.Accepted, ReferralStatus.InService, ReferralParty.Receiver),
        (ReferralStatus.InService, ReferralStatus.Completed, ReferralParty.Receiver),
        (ReferralStatus.Submitted, ReferralStatus.Withdrawn, ReferralParty.Sender),
        (ReferralStatus.Acknowledged, ReferralStatus.Withdrawn, ReferralParty.Sender),
        (ReferralStatus.Accepted, ReferralStatus.Withdrawn, ReferralParty.Sender),
    ];

    public static TheoryData<ReferralStatus, ReferralStatus, ReferralParty> EveryMove()
    {
        var data = new TheoryData<ReferralStatus, ReferralStatus, ReferralParty>();
        foreach (var from in Enum.GetValues<ReferralStatus>())
        {
            foreach (var to in Enum.GetValues<ReferralStatus>())
            {
                foreach (var party in Enum.GetValues<ReferralParty>())
                {
                    data.Add(from, to, party);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryMove))]
    public void A_move_is_made_exactly_when_the_brief_allows_it(ReferralStatus from, ReferralStatus to, ReferralParty party)
    {
        var referral = Referral(from, version: 3);
        var organisation = party == ReferralParty.Sender ? "sender" : "receiver";

        if (Allowed.Contains((from, to, party)))
        {
            var change = ReferralWorkflow.Apply(referral, to, organisation, "because the child asked", At);

            Assert.Equal(to, referral.Status);
            Assert.Equal(4, referral.Version);
            Assert.Equal(At, referral.UpdatedAt);
            Assert.Equal(from, change.PreviousStatus);
            Assert.Equal(to, change.Status);
            Assert.Equal(organisation, change.ChangedByOrganisationId);
            Assert.Same(change, Assert.Single(referral.History));
        }
        else
        {
            var refusal = Assert.Throws<RuleRefusedException>(() => ReferralWorkflow.Apply(referral, to, organisation, "because the child asked", At));

            Assert.Equal(ReferralProblemCodes.TransitionNotAllowed, refusal.Code);
            Assert.Equal(from, referral.Status);
            Assert.Equal(3, referral.Version);
            Assert.Empty(referral.History);
            foreach (var allowed in Allowed.Where(m => m.Item1 == from && m.Item3 == party))
            {
                Assert.Contains(ReferralWorkflow.Name(allowed.Item2), refusal.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Withdrawn_referral_cannot_be_accepted_and_the_refusal_says_no_move_is_left()
    {
        var refusal = Assert.Throws<RuleRefusedException>(() => ReferralWorkflow.Apply(Referral(ReferralStatus.Withdrawn), ReferralStatus.Accepted, "receiver", null, At));

        Assert.Contains("cannot move it any further", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refusal_names_the_moves_the_party_may_make()
    {
        var refusal = Assert.Throws<RuleRefusedException>(() => ReferralWorkflow.Apply(Referral(ReferralStatus.Acknowledged), ReferralStatus.Completed, "receiver", null, At));

        Assert.Equal("The referral is ACKNOWLEDGED: it cannot move to COMPLETED. As its receiver you may move it to ACCEPTED or DECLINED.", refusal.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public void Declining_needs_a_reason(string? reason)
    {
        var referral = Referral(ReferralStatus.Acknowledged);

        var refusal = Assert.Throws<RuleRefusedException>(() => ReferralWorkflow.Apply(referral, ReferralStatus.Declined, "receiver", reason, At));

        Assert.Equal(ReferralProblemCodes.ReasonRequired, refusal.Code);
        Assert.Equal(ReferralStatus.Acknowledged, referral.Status);
    }

    [Theory]
    [InlineData("call her on 081-234-5678")]
    [InlineData("id 1-1014-00123-45-1 on file")]
    [InlineData("write to mother@example.org")]
    public void A_reason_with_personal_data_is_refused_without_repeating_it(string reason)
    {
        var referral = Referral(ReferralStatus.Acknowledged);

        var refusal = Assert.Throws<RuleRefusedException>(() => ReferralWorkflow.Apply(referral, ReferralStatus.Declined, "receiver", reason, At));

        Assert.Equal(ReferralProblemCodes.PersonalDataNotAllowed, refusal.Code);
        Assert.DoesNotContain(reason, refusal.Message, StringComparison.Ordinal);
        Assert.Equal(ReferralStatus.Acknowledged, referral.Status);
    }

    [Fact]
    public void An_organisation_outside_the_referral_cannot_move_it() =>
        Assert.Throws<ArgumentException>(() => ReferralWorkflow.Apply(Referral(ReferralStatus.Submitted), ReferralStatus.Acknowledged, "someone-else", null, At));

    [Fact]
    public void Without_consent_no_referral_is_opened()
    {
        var request = new ReferralRequest("receiver", ReferralKind.Domestic, null, ReferralUrgency.Urgent, ReferralServices.Shelter, null, null);

        var refusal = Assert.Throws<RuleRefusedException>(() => request.Open(Organisation("sender", "TH"), Organisation("receiver", "TH"), "REF-2026-000001", At));

        Assert.Equal(ReferralProblemCodes.ConsentRequired, refusal.Code);
    }

    [Theory]
    [InlineData(ReferralKind.Domestic, "MM", "TH", "Transnational hint: a domestic referral names no country")]
    [InlineData(ReferralKind.Domestic, null, "MM", "A domestic referral stays in one country")]
    [InlineData(ReferralKind.Transnational, null, "MM", "A transnational referral names its country")]
    [InlineData(ReferralKind.Transnational, "KH", "MM", "The country is the receiver's")]
    [InlineData(ReferralKind.Transnational, "TH", "TH", "Transnational crosses a border")]
    [InlineData(ReferralKind.Transnational, "XX", "MM", "The country code is assigned")]
    public void Kind_and_destination_must_agree_with_the_receivers_country(ReferralKind kind, string? destination, string receiverCountry, string why)
    {
        var request = new ReferralRequest("receiver", kind, destination, ReferralUrgency.Routine, ReferralServices.Repatriation, ConsentGiver.Child, null);

        var refusal = Assert.Throws<RuleRefusedException>(() => request.Open(Organisation("sender", "TH"), Organisation("receiver", receiverCountry), "REF-2026-000001", At));

        Assert.True(refusal.Code == ReferralProblemCodes.InvalidReferral, why);
    }

    [Fact]
    public void A_transnational_referral_opens_submitted_with_its_first_history_entry()
    {
        var request = new ReferralRequest("receiver", ReferralKind.Transnational, "mm", ReferralUrgency.Emergency, ReferralServices.Repatriation | ReferralServices.FamilyTracing, ConsentGiver.ParentOrGuardian, At.AddHours(-1));

        var referral = request.Open(Organisation("sender", "TH"), Organisation("receiver", "MM"), "REF-2026-000009", At);

        Assert.Equal(ReferralStatus.Submitted, referral.Status);
        Assert.Equal(1, referral.Version);
        Assert.Equal("MM", referral.DestinationCountry);
        Assert.Equal(At.AddHours(-1), referral.ConsentRecordedAt);
        var first = Assert.Single(referral.History);
        Assert.Null(first.PreviousStatus);
        Assert.Equal(ReferralStatus.Submitted, first.Status);
        Assert.Equal("sender", first.ChangedByOrganisationId);
    }

    [Fact]
    public void Referring_to_oneself_or_for_no_service_is_refused()
    {
        var self = new ReferralRequest("sender", ReferralKind.Domestic, null, ReferralUrgency.Routine, ReferralServices.Shelter, ConsentGiver.Child, null);
        var nothing = new ReferralRequest("receiver", ReferralKind.Domestic, null, ReferralUrgency.Routine, ReferralServices.None, ConsentGiver.Child, null);

        Assert.Equal(ReferralProblemCodes.InvalidReferral, Assert.Throws<RuleRefusedException>(() => self.Open(Organisation("sender", "TH"), Organisation("sender", "TH"), "REF-2026-000001", At)).Code);
        Assert.Equal(ReferralProblemCodes.InvalidReferral, Assert.Throws<RuleRefusedException>(() => nothing.Open(Organisation("sender", "TH"), Organisation("receiver", "TH"), "REF-2026-000001", At)).Code);
    }

    private static Referral Referral(ReferralStatus status, int version = 1) => new()
    {
        Id = 7,
        Reference = "REF-2026-000007",
        Kind = ReferralKind.Domestic,
        Urgency = ReferralUrgency.Routine,
        Services = ReferralServices.Shelter,
        FromOrganisationId = "sender",
        ToOrganisationId = "receiver",
        ConsentGivenBy = ConsentGiver.Child,
        ConsentRecordedAt = At.AddDays(-1),
        CreatedAt = At.AddDays(-1),
        Status = status,
        Version = version,
    };

    private static Organisation Organisation(string id, string country) => new() { Id = id, NameEn = id, NameTh = id, Kind = OrganisationKind.Ngo, Country = country };
}
