using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.GraphQL.Organisations;

public sealed class OrganisationQueries : IRootFields
{
    public RootOperation Operation => RootOperation.Query;

    public void AddFields(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<ConnectionType<OrganisationType, Organisation>>, Page<Organisation>>("organisations")
            .Description("The partner organisations, by slug.")
            .Argument<EnumerationGraphType<OrganisationKind>>("kind", "Only organisations of this kind.")
            .PageArguments(backward: false)
            .ResolveAsync(async c =>
            {
                var kind = c.GetArgument<OrganisationKind?>("kind");
                return await c.PageAsync(
                    db => db.Organisations.Where(o => kind == null || o.Kind == kind),
                    o => o.Id);
            });
    }
}
