using PartnerGraph.Domain.Programmes;

namespace PartnerGraph.Data.Demo;

/// <summary>The five programmes and the quarterly coverage reports of the three prevention programmes.</summary>
internal sealed class DemoProgrammes
{
    public const string PreventionSchool = "PREVENTION-SCHOOL";
    public const string YouthParticipation = "YOUTH-PARTICIPATION";
    public const string CommunityVolunteers = "COMMUNITY-VOLUNTEERS";
    public const string ShelterProtection = "SHELTER-PROTECTION";
    public const string TransnationalReferral = "TRANSNATIONAL-REFERRAL";

    /// <summary>The brief's network: about 2,000 community volunteers across the operating areas.</summary>
    private const int VolunteersInNetwork = 2_000;

    private static readonly DateOnly FirstCoverageQuarter = new(2022, 1, 1);

    private static readonly string[] ReturnReasons =
    [
        "Figures do not match the attendance sheets",
        "Target differs from the agreed workplan",
        "Students reached exceed the enrolment of the schools reached",
        "Quarter reported twice; please merge the figures",
    ];

    private readonly Random rng;
    private readonly DateOnly asOf;
    private readonly DateTime end;
    private readonly IReadOnlyList<(string Code, string ProvinceCode)> districts;

    /// <summary>What one district aims for each quarter, drawn once so its reports stay alike from quarter to quarter.</summary>
    private sealed record DistrictPlan(string Code, string ProvinceCode, string SubmittedBy, int Schools, int StudentsPerSchool, int Youth, int Communities, int Volunteers);

    public DemoProgrammes(Random rng, DateOnly asOf, IReadOnlyList<(string Code, string ProvinceCode)> districts)
    {
        this.rng = rng;
        this.asOf = asOf;
        end = asOf.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        this.districts = districts;
    }

    public static List<Programme> Create()
    {
        var provincialOffices = DemoOrganisations.ProvincialOffices.Select(o => o.Id).ToList();
        var localPartners = provincialOffices.Concat(DemoOrganisations.RegionalNgos.Select(n => n.Id)).ToList();
        var preventionPeriod = (new DateOnly(2022, 1, 1), new DateOnly(2030, 12, 31));
        return
        [
            New(PreventionSchool, ProgrammeKind.PreventionSchoolCurriculum, "School prevention curriculum", "หลักสูตรป้องกันการค้ามนุษย์ในโรงเรียน",
                DemoOrganisationIds.Wvft, preventionPeriod, [.. localPartners, DemoOrganisationIds.OnlineSafetyKids]),
            New(YouthParticipation, ProgrammeKind.YouthParticipation, "Youth participation", "การมีส่วนร่วมของเยาวชน",
                DemoOrganisationIds.Wvft, preventionPeriod, localPartners),
            New(CommunityVolunteers, ProgrammeKind.CommunityVolunteers, "Community volunteers", "อาสาสมัครชุมชน",
                DemoOrganisationIds.Wvft, preventionPeriod, localPartners),
            New(ShelterProtection, ProgrammeKind.ShelterProtection, "Shelter and protection", "สถานคุ้มครองและการคุ้มครองเด็ก",
                DemoOrganisationIds.Atd, (new DateOnly(2017, 1, 1), null), [.. DemoOrganisations.Shelters, .. provincialOffices, DemoOrganisationIds.Wvft]),
            New(TransnationalReferral, ProgrammeKind.TransnationalReferral, "Transnational referral mechanism, provincial model", "กลไกการส่งต่อข้ามชาติ ต้นแบบระดับจังหวัด",
                DemoOrganisationIds.Atd, (new DateOnly(2019, 7, 1), null),
                [.. DemoOrganisations.ForeignCounterparts.Values.Order(StringComparer.Ordinal), .. provincialOffices, DemoOrganisationIds.Wvft, DemoOrganisationIds.RegionalMigrationOffice]),
        ];
    }

    /// <summary>
    /// One report per prevention programme, coverage district and quarter from 2022-Q1 to the last quarter ended by AsOf,
    /// submitted by the district's local partner and reviewed by the programme's lead.
    /// </summary>
    public List<CoverageReport> CoverageReports(IReadOnlyList<Programme> programmes)
    {
        var plans = DistrictPlans();
        var prevention = programmes.Where(p => p.Code is PreventionSchool or YouthParticipation or CommunityVolunteers).ToList();
        var reports = new List<CoverageReport>();
        var quarterIndex = 0;
        for (var quarterStart = FirstCoverageQuarter; quarterStart.AddMonths(3).AddDays(-1) <= asOf; quarterStart = quarterStart.AddMonths(3), quarterIndex++)
        {
            // New areas take about two years to reach their targets.
            var maturity = Math.Min(1.0, 0.7 + (0.3 * quarterIndex / 8));
            foreach (var programme in prevention)
            {
                foreach (var plan in plans)
                {
                    var report = Report(programme, plan, quarterStart, maturity);
                    if (report is not null)
                    {
                        reports.Add(report);
                    }
                }
            }
        }

        return reports;
    }

    private CoverageReport? Report(Programme programme, DistrictPlan plan, DateOnly quarterStart, double maturity)
    {
        var quarterEnd = quarterStart.AddMonths(3).AddDays(-1);
        var submittedAt = rng.DuringOfficeHours(quarterEnd.AddDays(rng.Next(3, 26)));
        var reviewedAt = rng.DuringOfficeHours(DateOnly.FromDateTime(submittedAt).AddDays(rng.Next(2, 21)));
        var (reached, target) = Figures(programme.Kind, plan, maturity);
        if (submittedAt >= end)
        {
            return null;
        }

        var report = new CoverageReport
        {
            ProgrammeCode = programme.Code,
            ProvinceCode = plan.ProvinceCode,
            DistrictCode = plan.Code,
            Year = quarterStart.Year,
            Quarter = ((quarterStart.Month - 1) / 3) + 1,
            SubmittedByOrganisationId = plan.SubmittedBy,
            SubmittedAt = submittedAt,
            Reached = reached,
            Target = target,
        };
        var returned = rng.Chance(0.055);
        if (reviewedAt < end)
        {
            report.Status = returned ? CoverageReportStatus.Returned : CoverageReportStatus.Approved;
            report.ReviewedAt = reviewedAt;
            report.ReviewedByOrganisationId = programme.LeadOrganisationId;
            report.ReturnReason = returned ? ReturnReasons[rng.Next(ReturnReasons.Length)] : null;
            report.Version = 2;
        }

        return report;
    }

    // Each programme fills only the figures it counts.
    private (CoverageFigures Reached, CoverageFigures Target) Figures(ProgrammeKind kind, DistrictPlan plan, double maturity)
    {
        switch (kind)
        {
            case ProgrammeKind.PreventionSchoolCurriculum:
                var schools = Math.Max(1, rng.Scale(plan.Schools * maturity, 0.8, 1.1));
                return (
                    new CoverageFigures
                    {
                        SchoolsReached = schools,
                        StudentsGirls = rng.Scale(schools * plan.StudentsPerSchool / 2.0, 0.9, 1.1),
                        StudentsBoys = rng.Scale(schools * plan.StudentsPerSchool / 2.0, 0.9, 1.1),
                        TeachersTrained = rng.Scale(schools, 1.5, 3.0),
                    },
                    new CoverageFigures
                    {
                        SchoolsReached = plan.Schools,
                        StudentsGirls = plan.Schools * plan.StudentsPerSchool / 2,
                        StudentsBoys = plan.Schools * plan.StudentsPerSchool / 2,
                        TeachersTrained = plan.Schools * 2,
                    });
            case ProgrammeKind.YouthParticipation:
                return (
                    new CoverageFigures { YouthParticipants = rng.Scale(plan.Youth * maturity, 0.8, 1.15), CommunitiesReached = rng.Scale(plan.Communities * maturity, 0.8, 1.1) },
                    new CoverageFigures { YouthParticipants = plan.Youth, CommunitiesReached = plan.Communities });
            default:
                return (
                    new CoverageFigures { ActiveVolunteers = rng.Scale(plan.Volunteers, 0.95, 1.05), CommunitiesReached = rng.Scale(plan.Communities, 0.85, 1.05) },
                    new CoverageFigures { ActiveVolunteers = (int)Math.Ceiling(plan.Volunteers * 1.1 / 5) * 5, CommunitiesReached = plan.Communities });
        }
    }

    /// <summary>The 55 coverage districts of the 22 operating areas, each with its local partner and its targets.</summary>
    private List<DistrictPlan> DistrictPlans()
    {
        var chosen = new List<(string Code, string ProvinceCode)>();
        foreach (var (provinceCode, count) in DemoProvinces.OperatingAreas)
        {
            var candidates = districts.Where(d => d.ProvinceCode == provinceCode).ToList();
            for (var i = 0; i < count && candidates.Count > 0; i++)
            {
                var index = rng.Next(candidates.Count);
                chosen.Add(candidates[index]);
                candidates.RemoveAt(index);
            }
        }

        var volunteerWeights = chosen.Select(_ => 0.5 + rng.NextDouble()).ToList();
        var volunteerUnit = VolunteersInNetwork / volunteerWeights.Sum();
        return chosen.Select((d, i) => new DistrictPlan(
            d.Code,
            d.ProvinceCode,
            LocalPartner(d.ProvinceCode),
            Schools: rng.Next(4, 13),
            StudentsPerSchool: rng.Next(80, 201),
            Youth: rng.Next(30, 121),
            Communities: rng.Next(5, 16),
            Volunteers: (int)Math.Round(volunteerWeights[i] * volunteerUnit, MidpointRounding.AwayFromZero)))
            .ToList();
    }

    // The provincial office reports where there is one among the partners; elsewhere the regional NGO does.
    private static string LocalPartner(string provinceCode) =>
        DemoOrganisations.ProvincialOffices.Where(o => o.ProvinceCode == provinceCode).Select(o => o.Id).FirstOrDefault()
        ?? DemoOrganisations.RegionalNgos.First(n => n.ProvinceCodes.Contains(provinceCode)).Id;

    private static Programme New(string code, ProgrammeKind kind, string nameEn, string nameTh, string lead, (DateOnly StartsOn, DateOnly? EndsOn) period, IEnumerable<string> partners) => new()
    {
        Code = code,
        Kind = kind,
        NameEn = nameEn,
        NameTh = nameTh,
        LeadOrganisationId = lead,
        StartsOn = period.StartsOn,
        EndsOn = period.EndsOn,
        Partners = partners.Select(id => new ProgrammePartner { ProgrammeCode = code, OrganisationId = id }).ToList(),
    };
}
