using GraphQL.DataLoader;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Domain.Geography;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.GraphQL.Organisations;

public sealed class OrganisationType : ObjectGraphType<Organisation>
{
    public const string TypeName = "Organisation";

    public OrganisationType(GeographyCatalogue geography)
    {
        Name = TypeName;
        Description = "A partner organisation: a government body, an NGO, an international agency or a foreign counterpart.";
        Interface<NodeInterface>();
        IsTypeOf = o => o is Organisation;
        Field<NonNullGraphType<IdGraphType>, string>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.Id));
        Field("slug", o => o.Id).Description("Stable short name, e.g. \"atd\"; used in filters and on the command line.");
        Field(o => o.NameEn).Description("English name.");
        Field(o => o.NameTh).Description("Thai name.");
        Field<NonNullGraphType<EnumerationGraphType<OrganisationKind>>, OrganisationKind>("kind").Resolve(c => c.Source.Kind);
        Field(o => o.Country).Description("ISO 3166-1 alpha-2 country code.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<Geography.ProvinceType>>>, IDataLoaderResult<IEnumerable<Province>>>("provinces")
            .Description("The provinces the organisation operates in.")
            .Resolve(c => c.Request().OrganisationProvinces().Load(c.Source.Id).Then(codes => codes.Select(code => geography.Province(code)!)));
    }
}

/// <summary>Organisations by slug, and the provinces they operate in (only when asked for), batched per request.</summary>
public static class OrganisationLoader
{
    public static BatchLoader<string, Organisation?> Organisations(this RequestContext request) =>
        request.Loader<string, Organisation?>("organisations", async (db, ids, ct) =>
            await db.Organisations.Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => (Organisation?)o, ct),
            null);

    /// <summary>The province codes of each organisation, in code order.</summary>
    public static BatchLoader<string, IReadOnlyList<string>> OrganisationProvinces(this RequestContext request) =>
        request.Loader<string, IReadOnlyList<string>>("organisation-provinces", async (db, ids, ct) =>
            (await db.OrganisationProvinces.Where(p => ids.Contains(p.OrganisationId)).ToListAsync(ct))
                .GroupBy(p => p.OrganisationId)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(p => p.ProvinceCode).Order(StringComparer.Ordinal).ToList()),
            []);
}
