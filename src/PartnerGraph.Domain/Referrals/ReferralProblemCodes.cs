namespace PartnerGraph.Domain.Referrals;

/// <summary>The codes of the refusals the referral rules give, for extensions.code.</summary>
public static class ReferralProblemCodes
{
    public const string TransitionNotAllowed = "REFERRAL_TRANSITION_NOT_ALLOWED";
    public const string ReasonRequired = "REASON_REQUIRED";
    public const string ConsentRequired = "CONSENT_REQUIRED";
    public const string InvalidReferral = "INVALID_REFERRAL";
    public const string PersonalDataNotAllowed = PersonalData.PersonalDataGuard.Code;
}
