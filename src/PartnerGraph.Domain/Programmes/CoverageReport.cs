using System.ComponentModel;

namespace PartnerGraph.Domain.Programmes;

/// <summary>
/// What one partner reached in one district in one quarter for one programme, each figure against its target.
/// Submitted by a partner, approved or returned by the programme's lead; only approved figures are shared.
/// </summary>
public sealed class CoverageReport
{
    public long Id { get; init; }
    public required string ProgrammeCode { get; init; }
    public required string ProvinceCode { get; init; }
    public required string DistrictCode { get; init; }
    public required int Year { get; init; }

    /// <summary>1 to 4.</summary>
    public required int Quarter { get; init; }

    public required string SubmittedByOrganisationId { get; init; }
    public required DateTime SubmittedAt { get; init; }
    public CoverageReportStatus Status { get; set; } = CoverageReportStatus.Submitted;
    public DateTime? ReviewedAt { get; set; }
    public string? ReviewedByOrganisationId { get; set; }
    public string? ReturnReason { get; set; }
    public int Version { get; set; } = 1;

    public required CoverageFigures Reached { get; set; }
    public required CoverageFigures Target { get; set; }
}

/// <summary>The figures a coverage report counts, reached or targeted.</summary>
public sealed record CoverageFigures
{
    public int SchoolsReached { get; init; }
    public int StudentsGirls { get; init; }
    public int StudentsBoys { get; init; }
    public int TeachersTrained { get; init; }
    public int YouthParticipants { get; init; }
    public int ActiveVolunteers { get; init; }
    public int CommunitiesReached { get; init; }
}

public enum CoverageReportStatus
{
    [Description("Sent by a partner; waiting for the programme lead's review.")]
    Submitted,
    [Description("Approved by the programme lead: its figures are shared.")]
    Approved,
    [Description("Returned by the programme lead with a reason; not shared.")]
    Returned,
}
