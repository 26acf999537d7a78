using GraphQL.Builders;
using GraphQL.Types;

namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// The scopes a root field needs, kept as field metadata. A caller's schema is built from the root fields its
/// scopes allow, so a field outside them is unknown to it in validation and introspection alike.
/// </summary>
public static class ScopeRequirements
{
    private const string Key = "partnergraph:scopes";

    /// <summary>The field is in a caller's schema only when the caller holds every one of these scopes.</summary>
    public static FieldBuilder<TSource, TReturn> RequireScopes<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field, params string[] scopes)
    {
        field.FieldType.Metadata[Key] = scopes;
        return field;
    }

    public static IReadOnlyList<string> RequiredScopes(this FieldType field) =>
        field.Metadata.TryGetValue(Key, out var scopes) && scopes is string[] list ? list : [];

    public static bool IsAllowed(this FieldType field, IReadOnlySet<string> scopes) => field.RequiredScopes().All(scopes.Contains);
}
