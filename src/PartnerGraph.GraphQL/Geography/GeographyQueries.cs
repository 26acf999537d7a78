using GraphQL;
using GraphQL.Types;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Domain.Geography;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.GraphQL.Geography;

public sealed class GeographyQueries(GeographyCatalogue geography) : IRootFields
{
    public RootOperation Operation => RootOperation.Query;

    public void AddFields(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ProvinceType>>>, IEnumerable<Province>>("provinces")
            .Description("All 77 provinces, by code.")
            .Resolve(_ => geography.Provinces);

        root.Field<ProvinceType, Province>("province")
            .Description("A province by its ISO 3166-2 code (\"TH-50\") or its 2-digit code (\"50\").")
            .Argument<NonNullGraphType<StringGraphType>>("code", "The province's ISO 3166-2:TH code (TH-50) or its 2-digit code (50).")
            .Resolve(c => Find(geography, c.GetArgument<string>("code"), "code"));
    }

    /// <summary>The province of a code a partner wrote in the argument or field named, or a clear error that names it and never repeats the code.</summary>
    public static Province Find(GeographyCatalogue geography, string code, string field)
    {
        if (!ProvinceCode.TryNormalise(code, out var dopaCode))
        {
            throw new UserError(ErrorCodes.InvalidProvinceCode, $"{field} holds something that is not a province code. Use the ISO 3166-2 form \"TH-50\" or the 2-digit form \"50\".");
        }

        return geography.Province(dopaCode)
            ?? throw new UserError(ErrorCodes.UnknownProvince, $"{field} names no province. The provinces query lists all 77.");
    }
}
