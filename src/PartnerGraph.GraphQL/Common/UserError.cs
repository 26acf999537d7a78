using GraphQL;

namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// The one error type for errors a partner can cause and act on: a code for machines (extensions.code) and a
/// message for people. Nothing else reaches a partner; unexpected failures become INTERNAL_ERROR.
/// </summary>
public sealed class UserError : ExecutionError
{
    public UserError(string code, string message, IReadOnlyDictionary<string, object?>? details = null)
        : base(message)
    {
        Code = code;
        Details = details;
    }

    /// <summary>What a program needs to act on the error besides its code; each entry becomes a key of extensions.</summary>
    public IReadOnlyDictionary<string, object?>? Details { get; }

    /// <summary>Runs a domain rule: its refusal reaches the partner as a UserError with the rule's code and message.</summary>
    public static T Enforcing<T>(Func<T> rule)
    {
        try
        {
            return rule();
        }
        catch (PartnerGraph.Domain.RuleRefusedException refusal)
        {
            throw new UserError(refusal.Code, refusal.Message, refusal.Details);
        }
    }
}
