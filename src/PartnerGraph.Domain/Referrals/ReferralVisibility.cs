using System.Linq.Expressions;

namespace PartnerGraph.Domain.Referrals;

/// <summary>The two organisations a referral passes between: the referral names them, and so does each of its events.</summary>
public interface IReferralParties
{
    string FromOrganisationId { get; }
    string ToOrganisationId { get; }
}

/// <summary>Who may see a referral or an event of one: the organisation that sent it and the one that received it, no other.</summary>
public static class ReferralVisibility
{
    /// <summary>The rule as an expression, so the database applies it to a query and the event feed to each event alike.</summary>
    public static Expression<Func<T, bool>> SentOrReceivedBy<T>(string organisationId)
        where T : IReferralParties =>
        r => r.FromOrganisationId == organisationId || r.ToOrganisationId == organisationId;
}
