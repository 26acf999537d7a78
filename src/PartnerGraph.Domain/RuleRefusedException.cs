namespace PartnerGraph.Domain;

/// <summary>A change the domain's rules refuse (a referral's move, a coverage report's review), with a code for extensions.code and a message a person can act on.</summary>
public sealed class RuleRefusedException : Exception
{
    public RuleRefusedException(string code, string message, IReadOnlyDictionary<string, object?>? details = null)
        : base(message)
    {
        Code = code;
        Details = details;
    }

    public RuleRefusedException()
        : this("", "")
    {
    }

    public RuleRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "";
    }

    public string Code { get; }

    /// <summary>What a program needs to act on the refusal (the field, the kind of data found ...), for extensions beside the code.</summary>
    public IReadOnlyDictionary<string, object?>? Details { get; }
}
