using GraphQL.Types;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL;

/// <summary>
/// The graph as one caller's scopes allow it: each feature folder adds its root fields through IRootFields, and
/// only the fields whose scopes the caller holds are kept, so types reachable only through others never appear.
/// </summary>
public sealed class PartnerGraphSchema : Schema
{
    public PartnerGraphSchema(IServiceProvider services, IEnumerable<IRootFields> features, IReadOnlySet<string> scopes)
        : base(services)
    {
        // The introspection graphql-js asks for with every option on (isRepeatable, deprecated arguments and input fields).
        Features.RepeatableDirectives = true;
        Features.DeprecationOfInputValues = true;
        RegisterType(new RoundTripDateTimeGraphType());
        Description = "PartnerGraph: anonymised case statistics, referrals and programme coverage shared between Thailand's Anti-Human Trafficking Division and its partners.";
        var roots = features.ToList();
        Query = Root("Query", RootOperation.Query, roots, scopes)!;
        Mutation = Root("Mutation", RootOperation.Mutation, roots, scopes);
        Subscription = Root("Subscription", RootOperation.Subscription, roots, scopes);
    }

    /// <summary>
    /// The types GraphQL.NET builds, with __Type.specifiedByURL and __Directive.args(includeDeprecated:) added: the field of the October 2021 specification that
    /// GraphQL.NET 8 lacks and graphql-js's getIntrospectionQuery({ specifiedByUrl: true }) asks for. No scalar of this
    /// schema names a specification, so it is null for all.
    /// </summary>
    protected override SchemaTypes CreateSchemaTypes()
    {
        var types = base.CreateSchemaTypes();
        if (types["__Type"] is IObjectGraphType type && type.GetField("specifiedByURL") is null && types["String"] is { } text)
        {
            type.AddField(new FieldType
            {
                Name = "specifiedByURL",
                Description = "The address of the specification of a custom scalar's behaviour; null for every type of this schema.",
                ResolvedType = text,
                Resolver = new global::GraphQL.Resolvers.FuncFieldResolver<object?>(_ => null),
            });
        }

        // __Directive.args(includeDeprecated:), which graphql-js asks for with inputValueDeprecation; no directive argument here is deprecated.
        if (types["__Directive"] is IObjectGraphType directive && directive.GetField("args") is { } args
            && args.Arguments?.Find("includeDeprecated") is null && types["Boolean"] is { } boolean)
        {
            args.Arguments ??= [];
            args.Arguments.Add(new QueryArgument(boolean) { Name = "includeDeprecated", DefaultValue = false });
        }

        return types;
    }

    /// <summary>The schema of every field, as exported to schema/schema.graphql.</summary>
    public static IReadOnlySet<string> Everything { get; } = Scopes.All.ToHashSet(StringComparer.Ordinal);

    private static ObjectGraphType? Root(string name, RootOperation operation, IEnumerable<IRootFields> features, IReadOnlySet<string> scopes)
    {
        var all = new ObjectGraphType { Name = name };
        foreach (var feature in features.Where(f => f.Operation == operation))
        {
            feature.AddFields(all);
        }

        var allowed = new ObjectGraphType { Name = name };
        foreach (var field in all.Fields.Where(f => f.IsAllowed(scopes)))
        {
            allowed.AddField(field);
        }

        return allowed.Fields.Count > 0 || operation == RootOperation.Query ? allowed : null;
    }
}

/// <summary>One schema per distinct scope set, built on first use and kept.</summary>
public sealed class SchemaCatalogue(IServiceProvider services, IEnumerable<IRootFields> features)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<ISchema>> schemas = new(StringComparer.Ordinal);

    public ISchema For(IReadOnlySet<string> scopes)
    {
        var key = string.Join(' ', scopes.Order(StringComparer.Ordinal));
        return schemas.GetOrAdd(key, _ => new Lazy<ISchema>(() =>
        {
            var schema = new PartnerGraphSchema(services, features, scopes);
            schema.Initialize();
            return schema;
        })).Value;
    }

    public ISchema Everything => For(PartnerGraphSchema.Everything);
}
