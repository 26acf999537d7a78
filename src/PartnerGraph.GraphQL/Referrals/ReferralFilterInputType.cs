using System.ComponentModel;
using GraphQL.Types;
using PartnerGraph.Domain.Referrals;

namespace PartnerGraph.GraphQL.Referrals;

public sealed class ReferralFilter
{
    public List<ReferralStatus>? Status { get; set; }
    public ReferralKind? Kind { get; set; }
    public ReferralDirection? Direction { get; set; }
    public string? Organisation { get; set; }
    public DateTime? UpdatedSince { get; set; }
}

public enum ReferralDirection
{
    [Description("Referrals the caller's organisation sent.")]
    Sent,
    [Description("Referrals the caller's organisation received.")]
    Received,
}

public sealed class ReferralFilterInputType : InputObjectGraphType<ReferralFilter>
{
    public ReferralFilterInputType()
    {
        Name = "ReferralFilter";
        Description = "Narrows the referrals list; every condition given must hold.";
        Field<ListGraphType<NonNullGraphType<EnumerationGraphType<ReferralStatus>>>>("status").Description("Any of these statuses.");
        Field<EnumerationGraphType<ReferralKind>>("kind");
        Field<EnumerationGraphType<ReferralDirection>>("direction").Description("SENT or RECEIVED by the caller's organisation.");
        Field<StringGraphType>("organisation").Description("Slug of the other organisation: referrals exchanged with it.");
        Field<DateTimeGraphType>("updatedSince").Description("Only referrals changed at or after this time (UTC), for incremental sync.");
    }
}
