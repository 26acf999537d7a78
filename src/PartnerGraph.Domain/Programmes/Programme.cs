using System.ComponentModel;

namespace PartnerGraph.Domain.Programmes;

/// <summary>A programme of prevention or protection, led by one organisation with partners, over a period.</summary>
public sealed class Programme
{
    /// <summary>Stable code, e.g. "PREVENTION-SCHOOL".</summary>
    public required string Code { get; init; }

    public required string NameEn { get; set; }
    public required string NameTh { get; set; }
    public required ProgrammeKind Kind { get; init; }
    public required string LeadOrganisationId { get; set; }
    public required DateOnly StartsOn { get; set; }
    public DateOnly? EndsOn { get; set; }

    public List<ProgrammePartner> Partners { get; init; } = [];
}

public sealed class ProgrammePartner
{
    public required string ProgrammeCode { get; init; }
    public required string OrganisationId { get; init; }
}

public enum ProgrammeKind
{
    [Description("Awareness lessons in schools.")]
    PreventionSchoolCurriculum,
    [Description("Young people taking part in prevention.")]
    YouthParticipation,
    [Description("Community volunteers who watch for and report risk.")]
    CommunityVolunteers,
    [Description("Shelters and protection services.")]
    ShelterProtection,
    [Description("The provincial model of the transnational referral mechanism.")]
    TransnationalReferral,
}
