using System.ComponentModel;

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
    [Description("Female.")]
    Female,
    [Description("Male.")]
    Male,
    [Description("Another sex recorded.")]
    Other,
    [Description("Not recorded.")]
    Unknown,
}

/// <summary>The five groups of children the programmes serve.</summary>
public enum PopulationGroup
{
    [Description("Children in cities.")]
    Urban,
    [Description("Children in rural areas.")]
    Rural,
    [Description("Marginalised children (stateless, ethnic minority, without care, for example).")]
    Marginalised,
    [Description("Migrant children.")]
    Migrant,
    [Description("Children who accompany migrant workers.")]
    AccompanyingMigrantWorker,
}

public enum MigrationStatus
{
    [Description("Not a migrant.")]
    NotMigrant,
    [Description("A migrant with a legal status.")]
    RegularMigrant,
    [Description("A migrant without a legal status.")]
    IrregularMigrant,
    [Description("Without any nationality.")]
    Stateless,
    [Description("Not recorded.")]
    Unknown,
}

public enum ExploitationType
{
    [Description("Sexual exploitation.")]
    Sexual,
    [Description("Forced or exploitative labour.")]
    Labour,
    [Description("Forced begging.")]
    ForcedBegging,
    [Description("Online sexual exploitation.")]
    OnlineSexualExploitation,
    [Description("Forced criminality, scam compounds included.")]
    ForcedCriminality,
    [Description("Forced marriage.")]
    ForcedMarriage,
    [Description("Another form.")]
    Other,
}

public enum VictimStatus
{
    [Description("Identified as a victim of trafficking.")]
    Victim,
    [Description("Identified as at risk of trafficking.")]
    AtRisk,
}

public enum IdentificationSource
{
    [Description("A community volunteer.")]
    CommunityVolunteer,
    [Description("A school.")]
    School,
    [Description("The police.")]
    Police,
    [Description("A hotline call.")]
    Hotline,
    [Description("An NGO's outreach workers.")]
    NgoOutreach,
    [Description("A labour inspection.")]
    LabourInspection,
}

/// <summary>HTCDS case status.</summary>
public enum CaseStatus
{
    [Description("The case is open and being worked on.")]
    Active,
    [Description("Services ended; the child is followed up.")]
    FollowUp,
    [Description("The case is closed.")]
    Closed,
    [Description("Closed here and referred to another organisation.")]
    ClosedReferred,
}
