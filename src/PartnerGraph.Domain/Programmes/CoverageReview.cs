using PartnerGraph.Domain.Cases;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Domain.PersonalData;

namespace PartnerGraph.Domain.Programmes;

public static class CoverageProblemCodes
{
    public const string InvalidCoverageReport = "INVALID_COVERAGE_REPORT";
    public const string NotAProgrammePartner = "NOT_A_PROGRAMME_PARTNER";
    public const string ReportAlreadySubmitted = "COVERAGE_REPORT_EXISTS";
    public const string ReviewNotAllowed = "COVERAGE_REVIEW_NOT_ALLOWED";
    public const string ReasonRequired = Referrals.ReferralProblemCodes.ReasonRequired;
    public const string PersonalDataNotAllowed = PersonalDataGuard.Code;

    /// <summary>The code case intake gives a province outside the organisation's operating area: one rule, one name.</summary>
    public const string ProvinceNotAllowed = CaseProblemCodes.ProvinceNotAllowed;
}

/// <summary>
/// Coverage reports: a partner (or the lead) of a programme submits one per district and quarter; the programme's
/// lead approves it, or returns it with a reason and the partner submits it again. Only approved figures are shared.
/// </summary>
public static class CoverageReview
{
    public const int MaxFigure = 10_000_000;
    public const int MaxReasonLength = 500;

    /// <summary>
    /// A new report, or the returned one submitted again with new figures; only for a district of the organisation's
    /// operating area, as case intake.
    /// </summary>
    public static CoverageReport Submit(Programme programme, string organisationId, OperatingArea area, string provinceCode, string districtCode, int year, int quarter, CoverageFigures reached, CoverageFigures target, CoverageReport? existing, DateTime at)
    {
        ArgumentNullException.ThrowIfNull(area);
        if (organisationId != programme.LeadOrganisationId && programme.Partners.All(p => p.OrganisationId != organisationId))
        {
            throw new RuleRefusedException(CoverageProblemCodes.NotAProgrammePartner, $"Your organisation is not a partner of {programme.Code}; its lead organisation ({programme.LeadOrganisationId}) can add it.");
        }

        if (!area.Includes(provinceCode))
        {
            throw new RuleRefusedException(CoverageProblemCodes.ProvinceNotAllowed, "The district is in a province your organisation does not operate in; only government organisations report coverage in any province.");
        }

        if (quarter is < 1 or > 4)
        {
            throw new RuleRefusedException(CoverageProblemCodes.InvalidCoverageReport, "quarter is 1, 2, 3 or 4.");
        }

        var starts = new DateOnly(Math.Clamp(year, 1, 9999), ((quarter - 1) * 3) + 1, 1);
        if (starts > DateOnly.FromDateTime(at))
        {
            throw new RuleRefusedException(CoverageProblemCodes.InvalidCoverageReport, $"{year} Q{quarter} has not started yet: report a quarter once it has begun.");
        }

        if (starts.AddMonths(3) <= programme.StartsOn || (programme.EndsOn is { } ends && starts > ends))
        {
            throw new RuleRefusedException(CoverageProblemCodes.InvalidCoverageReport, $"{year} Q{quarter} is outside the programme's period.");
        }

        Check(reached, "reached");
        Check(target, "target");
        if (existing is null)
        {
            return new CoverageReport
            {
                ProgrammeCode = programme.Code,
                ProvinceCode = provinceCode,
                DistrictCode = districtCode,
                Year = year,
                Quarter = quarter,
                SubmittedByOrganisationId = organisationId,
                SubmittedAt = at,
                Reached = reached,
                Target = target,
            };
        }

        if (existing.Status != CoverageReportStatus.Returned)
        {
            throw new RuleRefusedException(CoverageProblemCodes.ReportAlreadySubmitted, existing.Status == CoverageReportStatus.Approved
                ? $"Your report for this district and {year} Q{quarter} is approved already; approved figures are final."
                : $"Your report for this district and {year} Q{quarter} is waiting for review; it can be submitted again once returned.");
        }

        existing.Reached = reached;
        existing.Target = target;
        existing.Status = CoverageReportStatus.Submitted;
        existing.ReturnReason = null;
        existing.ReviewedAt = null;
        existing.ReviewedByOrganisationId = null;
        existing.Version++;
        return existing;
    }

    public static void Approve(CoverageReport report, Programme programme, string organisationId, DateTime at) =>
        Review(report, programme, organisationId, CoverageReportStatus.Approved, null, at);

    public static void Return(CoverageReport report, Programme programme, string organisationId, string? reason, DateTime at)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason is null)
        {
            throw new RuleRefusedException(CoverageProblemCodes.ReasonRequired, "Say what to correct: reason is required to return a report.");
        }

        if (reason.Length > MaxReasonLength)
        {
            throw new RuleRefusedException(CoverageProblemCodes.InvalidCoverageReport, $"reason is longer than {MaxReasonLength} characters.");
        }

        PersonalDataGuard.EnsureNone("reason", reason);

        Review(report, programme, organisationId, CoverageReportStatus.Returned, reason, at);
    }

    private static void Review(CoverageReport report, Programme programme, string organisationId, CoverageReportStatus to, string? reason, DateTime at)
    {
        if (organisationId != programme.LeadOrganisationId)
        {
            throw new RuleRefusedException(CoverageProblemCodes.ReviewNotAllowed, $"Only the lead organisation of {programme.Code} ({programme.LeadOrganisationId}) approves or returns its coverage reports.");
        }

        if (report.Status != CoverageReportStatus.Submitted)
        {
            throw new RuleRefusedException(CoverageProblemCodes.ReviewNotAllowed, $"The report is {report.Status.ToString().ToUpperInvariant()}: only a SUBMITTED report is approved or returned.");
        }

        report.Status = to;
        report.ReturnReason = reason;
        report.ReviewedAt = at;
        report.ReviewedByOrganisationId = organisationId;
        report.Version++;
    }

    private static void Check(CoverageFigures figures, string name)
    {
        int[] all = [figures.SchoolsReached, figures.StudentsGirls, figures.StudentsBoys, figures.TeachersTrained, figures.YouthParticipants, figures.ActiveVolunteers, figures.CommunitiesReached];
        if (all.Any(f => f is < 0 or > MaxFigure))
        {
            throw new RuleRefusedException(CoverageProblemCodes.InvalidCoverageReport, $"Every {name} figure is a count from 0 to {MaxFigure:N0}.");
        }
    }
}
