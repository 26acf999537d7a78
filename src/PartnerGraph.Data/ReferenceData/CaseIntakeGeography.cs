using PartnerGraph.Domain.Cases;

namespace PartnerGraph.Data.ReferenceData;

public static class CaseIntakeGeography
{
    /// <summary>The shipped geography as case intake reads it, from memory.</summary>
    public static CaseGeography ForCaseIntake(this GeographyCatalogue catalogue)
    {
        ArgumentNullException.ThrowIfNull(catalogue);
        return new CaseGeography(code => catalogue.Province(code) is not null, code => catalogue.District(code)?.ProvinceCode);
    }
}
