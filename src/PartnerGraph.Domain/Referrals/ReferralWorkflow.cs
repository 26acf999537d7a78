namespace PartnerGraph.Domain.Referrals;

/// <summary>
/// The referral state machine: SUBMITTED -> ACKNOWLEDGED -> ACCEPTED | DECLINED; ACCEPTED -> IN_SERVICE -> COMPLETED;
/// SUBMITTED, ACKNOWLEDGED or ACCEPTED -> WITHDRAWN. The receiver moves it forward; the sender withdraws.
/// </summary>
public static class ReferralWorkflow
{
    public sealed record Move(ReferralStatus From, ReferralStatus To, ReferralParty By, bool ReasonRequired);

    public static readonly IReadOnlyList<Move> Moves =
    [
        new(ReferralStatus.Submitted, ReferralStatus.Acknowledged, ReferralParty.Receiver, false),
        new(ReferralStatus.Acknowledged, ReferralStatus.Accepted, ReferralParty.Receiver, false),
        new(ReferralStatus.Acknowledged, ReferralStatus.Declined, ReferralParty.Receiver, true),
        new(ReferralStatus.Accepted, ReferralStatus.InService, ReferralParty.Receiver, false),
        new(ReferralStatus.InService, ReferralStatus.Completed, ReferralParty.Receiver, false),
        new(ReferralStatus.Submitted, ReferralStatus.Withdrawn, ReferralParty.Sender, false),
        new(ReferralStatus.Acknowledged, ReferralStatus.Withdrawn, ReferralParty.Sender, false),
        new(ReferralStatus.Accepted, ReferralStatus.Withdrawn, ReferralParty.Sender, false),
    ];

    /// <summary>The moves a party may make from a status.</summary>
    public static IEnumerable<Move> AllowedFrom(ReferralStatus status, ReferralParty party) =>
        Moves.Where(m => m.From == status && m.By == party);

    public static bool IsAllowed(ReferralStatus from, ReferralStatus to, ReferralParty party) =>
        Moves.Any(m => m.From == from && m.To == to && m.By == party);

    public static bool IsFinal(ReferralStatus status) => !Moves.Any(m => m.From == status);
}
