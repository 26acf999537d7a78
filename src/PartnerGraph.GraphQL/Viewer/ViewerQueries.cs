using GraphQL.DataLoader;
using GraphQL.Types;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Organisations;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Viewer;

public sealed class ViewerType : ObjectGraphType<Caller>
{
    public ViewerType()
    {
        Name = "Viewer";
        Description = "Who the request's credentials say the caller is, and what it may see.";
        Field<NonNullGraphType<OrganisationType>, IDataLoaderResult<Organisation?>>("organisation")
            .Description("The organisation the token speaks for.")
            .Resolve(c => c.Request().Organisations().Load(c.Source.OrganisationId));
        Field(v => v.ClientId).Description("The OAuth client the token was issued to.");
        Field(v => v.PersonId, nullable: true).Description("The person signed in, for tokens issued to people.");
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
