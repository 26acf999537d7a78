namespace PartnerGraph.Domain.Referrals;

public enum ReferralStatus
{
    Submitted,
    Acknowledged,
    Accepted,
    Declined,
    InService,
    Completed,
    Withdrawn,
}

/// <summary>The side of a referral an organisation stands on.</summary>
public enum ReferralParty
{
    Sender,
    Receiver,
}
