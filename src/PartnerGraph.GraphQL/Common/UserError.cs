using GraphQL;

namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// The one error type for errors a partner can cause and act on: a code for machines (extensions.code) and a
/// message for people. Nothing else reaches a partner; unexpected failures become INTERNAL_ERROR.
/// </summary>
public sealed class UserError : ExecutionError, IHasErrorDetails
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

/// <summary>An error that carries what a program needs to act on it; each entry becomes a key of extensions.</summary>
public interface IHasErrorDetails
{
    IReadOnlyDictionary<string, object?>? Details { get; }
}

/// <summary>A document over one of the limits (depth, cost, aliases ...): refused in validation, with the limit and the value counted.</summary>
public sealed class LimitExceededError : global::GraphQL.Validation.ValidationError, IHasErrorDetails
{
    public LimitExceededError(GraphQLParser.ROM source, string code, string message, int limit, int value, GraphQLParser.AST.ASTNode node)
        : base(source, null, message, node)
    {
        Code = code;
        Details = new Dictionary<string, object?> { ["limit"] = limit, ["value"] = value };
    }

    public IReadOnlyDictionary<string, object?>? Details { get; }
}
