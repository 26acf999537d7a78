namespace PartnerGraph.Domain.Referrals;

/// <summary>The codes of the refusals the referral rules give, for extensions.code.</summary>
public static class ReferralProblemCodes
{
    public const string TransitionNotAllowed = "REFERRAL_TRANSITION_NOT_ALLOWED";
    public const string ReasonRequired = "REASON_REQUIRED";
    public const string ConsentRequired = "CONSENT_REQUIRED";
    public const string InvalidReferral = "INVALID_REFERRAL";
    public const string PersonalDataNotAllowed = Cases.CaseProblemCodes.PersonalDataNotAllowed;
}

/// <summary>A change the referral rules refuse, with a code and a message a person can act on.</summary>
public sealed class ReferralRefusedException : Exception
{
    public ReferralRefusedException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    public ReferralRefusedException()
        : this("", "")
    {
    }

    public ReferralRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "";
    }

    public string Code { get; }
}
