using PartnerGraph.Domain;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Domain.Programmes;

namespace PartnerGraph.Tests.Coverage;

/// <summary>Who may submit a coverage report where: the rule of case intake, in the domain.</summary>
public sealed class CoverageReviewTests
{
    private static readonly DateTime At = new(2026, 11, 26, 8, 0, 0, DateTimeKind.Utc);

    private static readonly Programme School = new()
    {
        Code = "PREVENTION-SCHOOL",
        NameEn = "School prevention curriculum",
        NameTh = "หลักสูตร",
        Kind = ProgrammeKind.PreventionSchoolCurriculum,
        LeadOrganisationId = "wvft",
        StartsOn = new DateOnly(2022, 1, 1),
        Partners = [new ProgrammePartner { ProgrammeCode = "PREVENTION-SCHOOL", OrganisationId = "office-50" }],
    };

    [Theory]
    [InlineData(OrganisationKind.Ngo, "50", true)]
    [InlineData(OrganisationKind.Ngo, "81", false)]
    [InlineData(OrganisationKind.International, "81", false)]
    [InlineData(OrganisationKind.ForeignGovernment, "81", false)]
    [InlineData(OrganisationKind.Government, "81", true)]
    public void A_report_is_accepted_only_in_a_province_the_organisation_operates_in_unless_it_is_government(OrganisationKind kind, string province, bool accepted)
    {
        var area = new OperatingArea(kind, new HashSet<string>(["50", "57"], StringComparer.Ordinal));
        var submit = () => CoverageReview.Submit(School, "wvft", area, province, province + "01", 2025, 1, new CoverageFigures { SchoolsReached = 1 }, new CoverageFigures { SchoolsReached = 2 }, null, At);

        if (accepted)
        {
            Assert.Equal(province, submit().ProvinceCode);
        }
        else
        {
            Assert.Equal("PROVINCE_NOT_ALLOWED", Assert.Throws<RuleRefusedException>(submit).Code);
        }
    }

    [Fact]
    public void Not_being_a_partner_is_said_before_the_province()
    {
        var area = new OperatingArea(OrganisationKind.Ngo, new HashSet<string>(StringComparer.Ordinal));
        var refused = Assert.Throws<RuleRefusedException>(() => CoverageReview.Submit(School, "someone-else", area, "81", "8101", 2025, 1, new CoverageFigures(), new CoverageFigures(), null, At));
        Assert.Equal(CoverageProblemCodes.NotAProgrammePartner, refused.Code);
    }
}
