using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Domain.Sharing;
using PartnerGraph.GraphQL.Coverage;
using PartnerGraph.GraphQL.Organisations;
using PartnerGraph.GraphQL.Referrals;

namespace PartnerGraph.GraphQL.Common;

public sealed class NodeQueries : IRootFields
{
    public RootOperation Operation => RootOperation.Query;

    public void AddFields(ObjectGraphType root) =>
        root.Field<NodeInterface, object?>("node")
            .Description("Fetches any object with a global id again; null for an id the caller may not see, as for one that does not exist.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "A global id, as an id field of any Node returns it.")
            .ResolveAsync(async c =>
            {
                var id = c.GetArgument<string>("id");
                var decoded = GlobalId.TryDecode(id)
                    ?? throw new UserError(ErrorCodes.InvalidId, "id is not an id this API gave out. Use the id field of an object.");

                // A type outside the caller's schema has no objects the caller may see.
                if (c.Schema.AllTypes[decoded.TypeName] is null)
                {
                    return null;
                }

                var request = c.Request();
                switch (decoded.TypeName)
                {
                    case ReferralType.TypeName:
                        await c.RequireAgreementAsync(SharedDatasets.Referrals);
                        return await request.Referrals().Load(GlobalId.DecodeLong(id, ReferralType.TypeName)).GetResultAsync(c.CancellationToken);
                    case OrganisationType.TypeName:
                        return await request.Organisations().Load(decoded.Key).GetResultAsync(c.CancellationToken);
                    case ProgrammeType.TypeName:
                        await c.RequireAgreementAsync(SharedDatasets.Coverage);
                        await using (var db = await c.OpenDatabaseAsync())
                        {
                            return await db.Programmes.FirstOrDefaultAsync(p => p.Code == decoded.Key, c.CancellationToken);
                        }

                    default:
                        return null;
                }
            });
}
