using GraphQL.Types;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Domain.Geography;

namespace PartnerGraph.GraphQL.Geography;

public sealed class ProvinceType : ObjectGraphType<Province>
{
    public ProvinceType()
    {
        Name = "Province";
        Description = "One of Thailand's 77 provinces (76 changwat and Bangkok).";
        Field(p => p.Code).Description("The Department of Provincial Administration's 2-digit code, e.g. \"50\".");
        Field(p => p.IsoCode).Description("ISO 3166-2:TH code, e.g. \"TH-50\".");
        Field(p => p.NameTh).Description("Thai name, without the จังหวัด prefix.");
        Field(p => p.NameEn).Description("English name.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DistrictType>>>, IEnumerable<District>>("districts")
            .Description("The province's districts (amphoe, or khet in Bangkok), by code.")
            .Resolve(c => c.Source.Districts);
    }
}

public sealed class DistrictType : ObjectGraphType<District>
{
    public DistrictType(GeographyCatalogue geography)
    {
        Name = "District";
        Description = "A district (amphoe, or khet in Bangkok).";
        Field(d => d.Code).Description("4-digit DOPA code; its first two digits are the province's code.");
        Field(d => d.NameTh).Description("Thai name, without the อำเภอ/เขต prefix.");
        Field(d => d.NameEn).Description("English name, without the Amphoe/Khet prefix.");
        Field<NonNullGraphType<ProvinceType>, Province>("province").Resolve(c => geography.Province(c.Source.ProvinceCode)!);
    }
}
