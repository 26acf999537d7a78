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
    PreventionSchoolCurriculum,
    YouthParticipation,
    CommunityVolunteers,
    ShelterProtection,
    TransnationalReferral,
}
