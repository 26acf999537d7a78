using GraphQL.DataLoader;
using GraphQL.Types;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Organisations;

namespace PartnerGraph.GraphQL.Viewer;

public sealed class ViewerType : ObjectGraphType<Caller>
{
    public ViewerType()
    {
        Name = "Viewer";
        Description = "Who the request's credentials say the caller is, and what it may see.";
        Field<OrganisationType, IDataLoaderResult<Organisation?>?>("organisation")
            .Description("The caller's organisation; null only on the open development API.")
            .Resolve(c => c.Source.OrganisationId is { } id ? c.Request().Organisations().Load(id) : null);
        Field(v => v.ClientId, nullable: true).Description("The OAuth client the token was issued to.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>, IEnumerable<string>>("scopes")
            .Description("The scopes granted, which decide the fields this caller's schema holds.")
            .Resolve(c => c.Source.Scopes.Order(StringComparer.Ordinal));
    }
}

public sealed class ViewerQueries : IRootFields
{
    public RootOperation Operation => RootOperation.Query;

    public void AddFields(ObjectGraphType root) =>
        root.Field<NonNullGraphType<ViewerType>, Caller>("viewer").Resolve(c => c.Request().Caller);
}
