using GraphQL.DataLoader;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Domain.Programmes;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Organisations;

namespace PartnerGraph.GraphQL.Coverage;

public sealed class ProgrammeType : ObjectGraphType<Programme>
{
    public const string TypeName = "Programme";

    public ProgrammeType()
    {
        Name = TypeName;
        Description = "A programme of prevention or protection, led by one organisation with partners.";
        Interface<NodeInterface>();
        IsTypeOf = o => o is Programme;
        Field<NonNullGraphType<IdGraphType>, string>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.Code));
        Field(p => p.Code).Description("Stable code, e.g. \"PREVENTION-SCHOOL\"; programmeCoverage takes it.");
        Field(p => p.NameEn);
        Field(p => p.NameTh);
        Field<NonNullGraphType<EnumerationGraphType<ProgrammeKind>>, ProgrammeKind>("kind").Resolve(c => c.Source.Kind);
        Field<NonNullGraphType<OrganisationType>, IDataLoaderResult<Organisation?>>("leadOrganisation")
            .Description("The organisation that approves or returns the programme's coverage reports.")
            .Resolve(c => c.Request().Organisations().Load(c.Source.LeadOrganisationId));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<OrganisationType>>>, IDataLoaderResult<IReadOnlyList<Organisation>>>("partners")
            .Resolve(c => c.Request().ProgrammePartners().Load(c.Source.Code));
        Field(p => p.StartsOn, type: typeof(NonNullGraphType<DateType>));
        Field(p => p.EndsOn, type: typeof(DateType));
    }
}

public static class ProgrammeLoaders
{
    public static BatchLoader<string, IReadOnlyList<Organisation>> ProgrammePartners(this RequestContext request) =>
        request.Loader<string, IReadOnlyList<Organisation>>("programme-partners", async (db, codes, ct) =>
            (await db.ProgrammePartners.Where(p => codes.Contains(p.ProgrammeCode))
                .Join(db.Organisations, p => p.OrganisationId, o => o.Id, (p, o) => new { p.ProgrammeCode, Organisation = o })
                .OrderBy(x => x.Organisation.Id)
                .ToListAsync(ct))
                .GroupBy(x => x.ProgrammeCode)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<Organisation>)g.Select(x => x.Organisation).ToList()),
            []);
}
