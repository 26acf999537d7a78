using GraphQL;

namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// The one error type for errors a partner can cause and act on: a code for machines (extensions.code) and a
/// message for people. Nothing else reaches a partner; unexpected failures become INTERNAL_ERROR.
/// </summary>
public sealed class UserError : ExecutionError
{
    public UserError(string code, string message)
        : base(message)
    {
        Code = code;
    }
}
