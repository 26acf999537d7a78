namespace PartnerGraph.Domain.Cases;

/// <summary>
/// One pseudonymised case, aligned with the Human Trafficking Case Data Standard where it fits.
/// It holds no name, identity number, exact birth date or free text, and is never returned one by one:
/// it is the source of the statistics.
/// </summary>
public sealed class CaseRecord
{
    public long Id { get; init; }
    public required string RecordingOrganisationId { get; init; }
    public required DateOnly IdentifiedOn { get; init; }
    public required string ProvinceCode { get; init; }
    public string? DistrictCode { get; init; }
    public required AgeBand AgeBand { get; init; }
    public required Sex Sex { get; init; }

    /// <summary>ISO 3166-1 alpha-2, or STATELESS or UNKNOWN.</summary>
    public required string Nationality { get; init; }

    public required PopulationGroup PopulationGroup { get; init; }
    public required MigrationStatus MigrationStatus { get; init; }
    public required ExploitationType ExploitationType { get; init; }
    public required VictimStatus VictimStatus { get; init; }
    public required IdentificationSource IdentificationSource { get; init; }
    public required CaseStatus Status { get; set; }

    public required DateTime RecordedAt { get; init; }
}

public enum AgeBand
{
    Age0To5,
    Age6To11,
    Age12To14,
    Age15To17,
    Age18Plus,
}

public enum Sex
{
    Female,
    Male,
    Other,
    Unknown,
}

/// <summary>The five groups of children the programmes serve.</summary>
public enum PopulationGroup
{
    Urban,
    Rural,
    Marginalised,
    Migrant,
    AccompanyingMigrantWorker,
}

public enum MigrationStatus
{
    NotMigrant,
    RegularMigrant,
    IrregularMigrant,
    Stateless,
    Unknown,
}

public enum ExploitationType
{
    Sexual,
    Labour,
    ForcedBegging,
    OnlineSexualExploitation,
    ForcedCriminality,
    ForcedMarriage,
    Other,
}

public enum VictimStatus
{
    Victim,
    AtRisk,
}

public enum IdentificationSource
{
    CommunityVolunteer,
    School,
    Police,
    Hotline,
    NgoOutreach,
    LabourInspection,
}

/// <summary>HTCDS case status.</summary>
public enum CaseStatus
{
    Active,
    FollowUp,
    Closed,
    ClosedReferred,
}
