using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Domain.Programmes;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Geography;
using PartnerGraph.GraphQL.Organisations;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Coverage;

/// <summary>Coverage reports: partners submit, the programme's lead approves or returns; only approved figures are shared.</summary>
public sealed class CoverageReportMutations(GeographyCatalogue geography) : IRootFields
{
    public RootOperation Operation => RootOperation.Mutation;

    public void AddFields(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<CoverageReportPayloadType>, CoverageReport>("submitCoverageReport")
            .Description("Submits what the caller's organisation reached in one district and quarter for a programme it is a partner of, or submits a returned report again; the district must be in a province the organisation operates in (any, for a GOVERNMENT one). Errors: NOT_A_PROGRAMME_PARTNER, PROVINCE_NOT_ALLOWED, COVERAGE_REPORT_EXISTS, INVALID_COVERAGE_REPORT, UNKNOWN_PROGRAMME, UNKNOWN_DISTRICT.")
            .Argument<NonNullGraphType<SubmitCoverageReportInputType>>("input", "The report: programme, district, quarter and figures.")
            .RequireScopes(Scopes.CoverageWrite)
            .ResolveAsync(async c => await SubmitAsync(c));
        root.Field<NonNullGraphType<CoverageReportPayloadType>, CoverageReport>("approveCoverageReport")
            .Description("The programme's lead organisation approves a SUBMITTED report: its figures then count in programmeCoverage and coverageGaps.")
            .Argument<NonNullGraphType<ReviewCoverageReportInputType>>("input", "The report to review, the version you last read, and a reason where one is needed.")
            .RequireScopes(Scopes.CoverageWrite)
            .ResolveAsync(async c => await ReviewAsync(c, approve: true));
        root.Field<NonNullGraphType<CoverageReportPayloadType>, CoverageReport>("returnCoverageReport")
            .Description("The programme's lead organisation returns a SUBMITTED report for correction; reason is required.")
            .Argument<NonNullGraphType<ReviewCoverageReportInputType>>("input", "The report to review, the version you last read, and a reason where one is needed.")
            .RequireScopes(Scopes.CoverageWrite)
            .ResolveAsync(async c => await ReviewAsync(c, approve: false));
    }

    private async Task<CoverageReport> SubmitAsync(IResolveFieldContext c)
    {
        var request = c.Request();
        var input = c.GetArgument<SubmitCoverageReportInput>("input");
        var district = geography.District(input.District)
            ?? throw new UserError(ErrorCodes.UnknownDistrict, "input.district names no district; use its 4-digit DOPA code, e.g. \"5001\".");
        await using var db = await c.OpenDatabaseAsync();
        return await ConflictsRefusedAsync(db.RetryingAsync(async ct =>
        {
            var programme = await ProgrammeAsync(db, input.ProgrammeCode, ct);
            var existing = await db.CoverageReports.AsTracking().FirstOrDefaultAsync(
                r => r.ProgrammeCode == programme.Code && r.DistrictCode == district.Code && r.Year == input.Year && r.Quarter == input.Quarter && r.SubmittedByOrganisationId == request.Caller.OrganisationId,
                ct);
            var organisation = await db.Organisations.Include(o => o.Provinces).FirstOrDefaultAsync(o => o.Id == request.Caller.OrganisationId, ct)
                ?? throw new UserError(ErrorCodes.UnknownOrganisation, "Your organisation is not registered; ask the Anti-Human Trafficking Division.");
            var report = UserError.Enforcing(() => CoverageReview.Submit(programme, organisation.Id, OperatingArea.Of(organisation), district.ProvinceCode, district.Code, input.Year, input.Quarter, input.Reached, input.Target, existing, request.Clock.GetUtcNow().UtcDateTime));
            if (existing is null)
            {
                db.CoverageReports.Add(report);
            }

            await db.SaveChangesAsync(ct);
            return report;
        }, c.CancellationToken));
    }

    private static async Task<CoverageReport> ReviewAsync(IResolveFieldContext c, bool approve)
    {
        var request = c.Request();
        var input = c.GetArgument<ReviewCoverageReportInput>("input");
        var id = GlobalId.DecodeLong(input.ReportId, CoverageReportType.TypeName);
        await using var db = await c.OpenDatabaseAsync();
        return await ConflictsRefusedAsync(db.RetryingAsync(async ct =>
        {
            var report = await db.CoverageReports.AsTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
            var programme = report is null ? null : await db.Programmes.Include(p => p.Partners).FirstAsync(p => p.Code == report.ProgrammeCode, ct);

            // A report is visible to its submitter and to the programme's lead only; to anyone else it does not exist.
            if (report is null || (report.SubmittedByOrganisationId != request.Caller.OrganisationId && programme!.LeadOrganisationId != request.Caller.OrganisationId))
            {
                throw new UserError(ErrorCodes.CoverageReportNotFound, "There is no coverage report with this id that your organisation submitted or leads.");
            }

            if (report.Version != input.ExpectedVersion)
            {
                throw new UserError(
                    ErrorCodes.ConcurrentUpdate,
                    $"The report changed since you read it: it is now {report.Status.ToString().ToUpperInvariant()} at version {report.Version}. Read it again; nothing was changed.",
                    new Dictionary<string, object?> { ["currentStatus"] = report.Status.ToString().ToUpperInvariant(), ["currentVersion"] = report.Version });
            }

            var at = request.Clock.GetUtcNow().UtcDateTime;
            UserError.Enforcing(() =>
            {
                if (approve)
                {
                    CoverageReview.Approve(report, programme!, request.Caller.OrganisationId, at);
                }
                else
                {
                    CoverageReview.Return(report, programme!, request.Caller.OrganisationId, input.Reason, at);
                }

                return report;
            });
            await db.SaveChangesAsync(ct);
            return report;
        }, c.CancellationToken));
    }

    private static async Task<Programme> ProgrammeAsync(Data.PartnerGraphDbContext db, string code, CancellationToken cancellationToken) =>
        await db.Programmes.Include(p => p.Partners).FirstOrDefaultAsync(p => p.Code == code, cancellationToken)
            ?? throw new UserError(ErrorCodes.UnknownProgramme, "input.programmeCode names no programme. The programmes query lists their codes.");

    /// <summary>A write the database refused once the execution strategy has retried what was transient.</summary>
    private static async Task<CoverageReport> ConflictsRefusedAsync(Task<CoverageReport> work)
    {
        try
        {
            return await work;
        }
        catch (DbUpdateException)
        {
            // Another request wrote the same report (or the same review) between our read and our write: theirs stands.
            throw new UserError(ErrorCodes.ConcurrentUpdate, "The report was changed by another request at the same moment; read it again. Nothing was changed.");
        }
    }

}

public sealed class SubmitCoverageReportInput
{
    public string ProgrammeCode { get; set; } = "";
    public string District { get; set; } = "";
    public int Year { get; set; }
    public int Quarter { get; set; }
    public CoverageFigures Reached { get; set; } = new();
    public CoverageFigures Target { get; set; } = new();
}

public sealed class SubmitCoverageReportInputType : InputObjectGraphType<SubmitCoverageReportInput>
{
    public SubmitCoverageReportInputType()
    {
        Name = "SubmitCoverageReportInput";
        Field<NonNullGraphType<StringGraphType>>("programmeCode");
        Field<NonNullGraphType<StringGraphType>>("district").Description("4-digit DOPA code of the district, e.g. \"5001\".");
        Field<NonNullGraphType<IntGraphType>>("year");
        Field<NonNullGraphType<IntGraphType>>("quarter").Description("1 to 4; a quarter that has begun, inside the programme's period.");
        Field<NonNullGraphType<CoverageFiguresInputType>>("reached");
        Field<NonNullGraphType<CoverageFiguresInputType>>("target");
    }
}

public sealed class CoverageFiguresInputType : InputObjectGraphType<CoverageFigures>
{
    public CoverageFiguresInputType()
    {
        Name = "CoverageFiguresInput";
        Description = "Counts, each from 0; a figure left out is 0.";
        Field<IntGraphType>("schoolsReached").DefaultValue(0);
        Field<IntGraphType>("studentsGirls").DefaultValue(0);
        Field<IntGraphType>("studentsBoys").DefaultValue(0);
        Field<IntGraphType>("teachersTrained").DefaultValue(0);
        Field<IntGraphType>("youthParticipants").DefaultValue(0);
        Field<IntGraphType>("activeVolunteers").DefaultValue(0);
        Field<IntGraphType>("communitiesReached").DefaultValue(0);
    }
}

public sealed class ReviewCoverageReportInput
{
    public string ReportId { get; set; } = "";
    public int ExpectedVersion { get; set; }
    public string? Reason { get; set; }
}

public sealed class ReviewCoverageReportInputType : InputObjectGraphType<ReviewCoverageReportInput>
{
    public ReviewCoverageReportInputType()
    {
        Name = "ReviewCoverageReportInput";
        Field<NonNullGraphType<IdGraphType>>("reportId");
        Field<NonNullGraphType<IntGraphType>>("expectedVersion").Description("The version you last read; a stale one answers CONCURRENT_UPDATE and changes nothing.");
        Field<StringGraphType>("reason").Description("Why the report is returned (required to return); never personal data.");
    }
}

public sealed class CoverageReportPayloadType : ObjectGraphType<CoverageReport>
{
    public CoverageReportPayloadType()
    {
        Name = "CoverageReportPayload";
        Field<NonNullGraphType<CoverageReportType>, CoverageReport>("report").Resolve(c => c.Source);
    }
}

public sealed class CoverageReportType : ObjectGraphType<CoverageReport>
{
    public const string TypeName = "CoverageReport";

    public CoverageReportType(GeographyCatalogue geography)
    {
        Name = TypeName;
        Description = "What one partner reached in one district and quarter for one programme, against its targets.";
        Field<NonNullGraphType<IdGraphType>, string>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.Id));
        Field(r => r.ProgrammeCode);
        Field<NonNullGraphType<DistrictType>, Domain.Geography.District?>("district").Resolve(c => geography.District(c.Source.DistrictCode));
        Field(r => r.Year);
        Field(r => r.Quarter);
        Field<NonNullGraphType<EnumerationGraphType<CoverageReportStatus>>, CoverageReportStatus>("status").Resolve(c => c.Source.Status);
        Field(r => r.Version).Description("Pass it back as expectedVersion.");
        Field<NonNullGraphType<OrganisationType>, IDataLoaderResult<Organisation?>>("submittedBy").Resolve(c => c.Request().Organisations().Load(c.Source.SubmittedByOrganisationId));
        Field(r => r.SubmittedAt);
        Field(r => r.ReturnReason, nullable: true).Description("Why the lead returned it.");
        Field<NonNullGraphType<CoverageFiguresType>, CoverageFigures>("reached").Resolve(c => c.Source.Reached);
        Field<NonNullGraphType<CoverageFiguresType>, CoverageFigures>("target").Resolve(c => c.Source.Target);
    }
}

public sealed class CoverageFiguresType : ObjectGraphType<CoverageFigures>
{
    public CoverageFiguresType()
    {
        Name = "CoverageFigures";
        Field(f => f.SchoolsReached);
        Field(f => f.StudentsGirls);
        Field(f => f.StudentsBoys);
        Field(f => f.TeachersTrained);
        Field(f => f.YouthParticipants);
        Field(f => f.ActiveVolunteers);
        Field(f => f.CommunitiesReached);
    }
}
