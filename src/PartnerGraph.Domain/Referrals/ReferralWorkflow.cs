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

    /// <summary>The longest reason kept in the history.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>
    /// Moves the referral to a status on behalf of an organisation that sent or received it, or refuses with the
    /// moves that organisation may make instead. The referral's version goes up by one; the change is its new history entry.
    /// </summary>
    public static ReferralStatusChange Apply(Referral referral, ReferralStatus to, string organisationId, string? reason, DateTime at)
    {
        var party = referral.PartyOf(organisationId) ?? throw new ArgumentException("The organisation neither sent nor received the referral.", nameof(organisationId));
        var move = Moves.FirstOrDefault(m => m.From == referral.Status && m.To == to && m.By == party);
        if (move is null)
        {
            var allowed = AllowedFrom(referral.Status, party).Select(m => Name(m.To)).ToList();
            var instead = allowed.Count == 0
                ? $"As its {Name(party)} you cannot move it any further."
                : $"As its {Name(party)} you may move it to {string.Join(" or ", allowed)}.";
            throw new RuleRefusedException(
                ReferralProblemCodes.TransitionNotAllowed,
                $"The referral is {Name(referral.Status)}: it cannot move to {Name(to)}. {instead}",
                new Dictionary<string, object?> { ["from"] = Name(referral.Status), ["to"] = Name(to), ["allowedMoves"] = allowed });
        }

        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (move.ReasonRequired && reason is null)
        {
            throw new RuleRefusedException(ReferralProblemCodes.ReasonRequired, $"Say why the referral moves to {Name(to)}: reason is required.");
        }

        CheckReason(reason);
        var change = new ReferralStatusChange
        {
            ReferralId = referral.Id,
            PreviousStatus = referral.Status,
            Status = to,
            ChangedAt = at,
            ChangedByOrganisationId = organisationId,
            Reason = reason,
        };
        referral.Status = to;
        referral.Version++;
        referral.UpdatedAt = at;
        referral.History.Add(change);
        return change;
    }

    /// <summary>A reason is free text: it may carry neither personal data nor a whole case file.</summary>
    public static void CheckReason(string? reason)
    {
        if (reason is null)
        {
            return;
        }

        if (reason.Length > MaxReasonLength)
        {
            throw new RuleRefusedException(ReferralProblemCodes.InvalidReferral, $"reason is longer than {MaxReasonLength} characters.");
        }

        PersonalData.PersonalDataGuard.EnsureNone("reason", reason);
    }

    /// <summary>The status as partners write it in GraphQL, e.g. IN_SERVICE.</summary>
    public static string Name(ReferralStatus status) => status switch
    {
        ReferralStatus.InService => "IN_SERVICE",
        _ => status.ToString().ToUpperInvariant(),
    };

    private static string Name(ReferralParty party) => party == ReferralParty.Sender ? "sender" : "receiver";
}
