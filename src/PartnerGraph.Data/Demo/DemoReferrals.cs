using System.Globalization;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Domain.Referrals;

namespace PartnerGraph.Data.Demo;

/// <summary>A referral and the history that brought it to its status, before the database numbers the history.</summary>
internal sealed record PlannedReferral(Referral Referral, IReadOnlyList<PlannedChange> Changes);

internal sealed record PlannedChange(ReferralStatus? PreviousStatus, ReferralStatus Status, DateTime ChangedAt, string ChangedByOrganisationId, string? Reason);

/// <summary>Synthetic referrals whose histories take only the moves of <see cref="ReferralWorkflow"/>, each by the party allowed to make it.</summary>
internal sealed class DemoReferrals
{
    private static readonly string[] DeclineReasons =
    [
        "No shelter capacity in the requested period",
        "Service not offered in this province",
        "Age outside the service's mandate",
        "Same service already provided by another partner",
    ];

    private static readonly string[] WithdrawReasons =
    [
        "Needs met by the sending organisation",
        "Referral raised in error",
        "Child moved out of the province",
        "Case transferred to another partner",
    ];

    private static readonly Weighted<Direction> Directions = Weighted.Of((Direction.Domestic, 85.0), (Direction.Outgoing, 9.0), (Direction.Incoming, 6.0));

    private static readonly Weighted<string> Countries = Weighted.Of(
        (DemoProvinces.Myanmar, 45.0), (DemoProvinces.Cambodia, 25.0), (DemoProvinces.Laos, 25.0), (DemoProvinces.Malaysia, 3.0), (DemoProvinces.VietNam, 2.0));

    private static readonly Weighted<ReferralUrgency> Urgencies = Weighted.Of((ReferralUrgency.Routine, 65.0), (ReferralUrgency.Urgent, 28.0), (ReferralUrgency.Emergency, 7.0));

    private static readonly Weighted<ConsentGiver> OlderChildConsent = Weighted.Of(
        (ConsentGiver.Child, 50.0), (ConsentGiver.ParentOrGuardian, 30.0), (ConsentGiver.CaseWorkerInBestInterest, 20.0));

    private static readonly Weighted<ConsentGiver> YoungTeenConsent = Weighted.Of(
        (ConsentGiver.Child, 20.0), (ConsentGiver.ParentOrGuardian, 55.0), (ConsentGiver.CaseWorkerInBestInterest, 25.0));

    private static readonly Weighted<ConsentGiver> YoungChildConsent = Weighted.Of((ConsentGiver.ParentOrGuardian, 60.0), (ConsentGiver.CaseWorkerInBestInterest, 40.0));

    private static readonly Dictionary<ReferralStatus, Weighted<ReferralWorkflow.Move>> MovesFrom = ReferralWorkflow.Moves
        .GroupBy(m => m.From)
        .ToDictionary(g => g.Key, g => new Weighted<ReferralWorkflow.Move>(g.Select(m => (m, MoveWeight(m)))));

    private readonly Random rng;
    private readonly DateOnly asOf;
    private readonly DateTime end;
    private readonly IReadOnlyList<CaseRecord> cases;
    private readonly Dictionary<string, List<CaseRecord>> casesByNationality;
    private readonly IReadOnlyList<Organisation> thaiPartners;
    private readonly Dictionary<(string ProvinceCode, string SenderId), Weighted<string>> domesticReceivers = [];
    private readonly Weighted<string> incomingReceivers;

    private enum Direction
    {
        Domestic,
        Outgoing,
        Incoming,
    }

    /// <param name="cases">The inserted cases, in the order they were recorded.</param>
    public DemoReferrals(Random rng, DateOnly asOf, IReadOnlyList<CaseRecord> cases, IReadOnlyList<Organisation> organisations)
    {
        this.rng = rng;
        this.asOf = asOf;
        end = asOf.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        this.cases = cases;
        casesByNationality = cases.GroupBy(c => c.Nationality).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        thaiPartners = organisations.Where(o => o.Country == "TH" && o.Kind != OrganisationKind.International).ToList();
        incomingReceivers = new(thaiPartners.Select(o => (o.Id, IncomingReceiverWeight(o.Id))));
    }

    /// <summary>The referrals in the order they were created, numbered within their year.</summary>
    public List<PlannedReferral> Generate(int count)
    {
        var first = new DateOnly(2023, 1, 1);
        if (first > asOf)
        {
            first = asOf.AddYears(-1);
        }

        var createdTimes = new List<DateTime>(count);
        for (var i = 0; i < count; i++)
        {
            createdTimes.Add(rng.DuringOfficeHours(first.AddDays(rng.Next(0, asOf.DayNumber - first.DayNumber + 1))));
        }

        var numbersByYear = new Dictionary<int, int>();
        var referrals = new List<PlannedReferral>(count);
        foreach (var createdAt in createdTimes.Order())
        {
            var number = numbersByYear[createdAt.Year] = numbersByYear.GetValueOrDefault(createdAt.Year) + 1;
            referrals.Add(NewReferral(createdAt, string.Create(CultureInfo.InvariantCulture, $"REF-{createdAt.Year}-{number:000000}")));
        }

        return referrals;
    }

    private PlannedReferral NewReferral(DateTime createdAt, string reference)
    {
        CaseRecord? caseRecord;
        string from;
        string to;
        string? destinationCountry = null;
        switch (Directions.Pick(rng))
        {
            case Direction.Domestic:
                caseRecord = rng.Chance(0.9) ? RecentCase(cases, createdAt, days: 60) : null;
                var provinceCode = caseRecord?.ProvinceCode ?? DemoProvinces.Codes[rng.Next(DemoProvinces.Codes.Count)];
                from = caseRecord?.RecordingOrganisationId ?? LocalPartner(provinceCode);
                to = DomesticReceivers(provinceCode, from).Pick(rng);
                break;
            case Direction.Outgoing:
                destinationCountry = Countries.Pick(rng);
                caseRecord = RecentCase(casesByNationality.GetValueOrDefault(destinationCountry) ?? [], createdAt, days: 120);
                from = ProvincialOffice(caseRecord?.ProvinceCode) ?? DemoOrganisationIds.Atd;
                to = DemoOrganisations.ForeignCounterparts[destinationCountry];
                break;
            default:
                caseRecord = null;
                destinationCountry = "TH";
                from = DemoOrganisations.ForeignCounterparts[Countries.Pick(rng)];
                to = incomingReceivers.Pick(rng);
                break;
        }

        var urgency = Urgencies.Pick(rng);
        var changes = History(createdAt, from, to, urgency);
        var referral = new Referral
        {
            Reference = reference,
            Kind = destinationCountry is null ? ReferralKind.Domestic : ReferralKind.Transnational,
            DestinationCountry = destinationCountry,
            Urgency = urgency,
            Services = Services(destinationCountry is not null),
            FromOrganisationId = from,
            ToOrganisationId = to,
            CaseRecordId = caseRecord?.Id,
            ConsentGivenBy = WhoConsents(caseRecord?.AgeBand),
            ConsentRecordedAt = createdAt.AddMinutes(-rng.Next(10, 2 * 24 * 60)),
            Status = changes[^1].Status,
            Version = changes.Count,
            CreatedAt = createdAt,
            UpdatedAt = changes[^1].ChangedAt,
        };
        return new PlannedReferral(referral, changes);
    }

    /// <summary>Walks the workflow from SUBMITTED until a final status or until the next move would fall after AsOf.</summary>
    private List<PlannedChange> History(DateTime createdAt, string from, string to, ReferralUrgency urgency)
    {
        var changes = new List<PlannedChange> { new(null, ReferralStatus.Submitted, createdAt, from, null) };
        var status = ReferralStatus.Submitted;
        var at = createdAt;
        while (!ReferralWorkflow.IsFinal(status))
        {
            var move = MovesFrom[status].Pick(rng);
            var next = at.AddMinutes(DelayMinutes(move.To, urgency));
            if (next >= end)
            {
                break;
            }

            var by = move.By == ReferralParty.Sender ? from : to;
            changes.Add(new(status, move.To, next, by, Reason(move.To)));
            status = move.To;
            at = next;
        }

        return changes;
    }

    private static double MoveWeight(ReferralWorkflow.Move move) => (move.From, move.To) switch
    {
        (ReferralStatus.Submitted, ReferralStatus.Acknowledged) => 95,
        (ReferralStatus.Acknowledged, ReferralStatus.Accepted) => 80,
        (ReferralStatus.Acknowledged, ReferralStatus.Declined) => 12,
        (ReferralStatus.Accepted, ReferralStatus.InService) => 93,
        (_, ReferralStatus.Withdrawn) => 6,
        _ => 100,
    };

    // Emergencies are acknowledged within hours; a service runs for weeks or months.
    private int DelayMinutes(ReferralStatus to, ReferralUrgency urgency) => to switch
    {
        ReferralStatus.Acknowledged => urgency switch
        {
            ReferralUrgency.Emergency => rng.Next(10, 4 * 60),
            ReferralUrgency.Urgent => rng.Next(60, 24 * 60),
            _ => rng.Next(2 * 60, 4 * 24 * 60),
        },
        ReferralStatus.Accepted or ReferralStatus.Declined => rng.Next(4 * 60, 7 * 24 * 60),
        ReferralStatus.InService => rng.Next(60, 10 * 24 * 60),
        ReferralStatus.Completed => rng.Next(14 * 24 * 60, 240 * 24 * 60),
        _ => rng.Next(60, 14 * 24 * 60),
    };

    private string? Reason(ReferralStatus to) => to switch
    {
        ReferralStatus.Declined => DeclineReasons[rng.Next(DeclineReasons.Length)],
        ReferralStatus.Withdrawn => WithdrawReasons[rng.Next(WithdrawReasons.Length)],
        _ => null,
    };

    /// <summary>A case recorded in the days before the referral, from candidates in the order they were recorded.</summary>
    private CaseRecord? RecentCase(IReadOnlyList<CaseRecord> candidates, DateTime createdAt, int days)
    {
        var first = FirstRecordedFrom(candidates, createdAt.AddDays(-days));
        var last = FirstRecordedFrom(candidates, createdAt);
        return last > first ? candidates[rng.Next(first, last)] : null;
    }

    private static int FirstRecordedFrom(IReadOnlyList<CaseRecord> candidates, DateTime at)
    {
        var low = 0;
        var high = candidates.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (candidates[middle].RecordedAt < at)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    // The national division takes most cases handed over from abroad, as the TRM's focal point.
    private static double IncomingReceiverWeight(string organisationId) => organisationId switch
    {
        DemoOrganisationIds.Atd => 8.0,
        _ when IsShelter(organisationId) => 3.0,
        _ when IsProvincialOffice(organisationId) => 1.0,
        _ => 0.0,
    };

    private string LocalPartner(string provinceCode)
    {
        var local = thaiPartners.Where(o => o.Provinces.Any(p => p.ProvinceCode == provinceCode)).ToList();
        return local[rng.Next(local.Count)].Id;
    }

    // Shelters near the child take most referrals; the provincial office and local NGOs the rest.
    private Weighted<string> DomesticReceivers(string provinceCode, string senderId)
    {
        if (!domesticReceivers.TryGetValue((provinceCode, senderId), out var receivers))
        {
            receivers = new(thaiPartners.Where(o => o.Id != senderId).Select(o =>
            {
                var local = o.Provinces.Any(p => p.ProvinceCode == provinceCode);
                var weight = o switch
                {
                    _ when IsShelter(o.Id) => local ? 8.0 : 2.0,
                    { Id: DemoOrganisationIds.Atd } => 2.0,
                    _ when IsProvincialOffice(o.Id) => local ? 5.0 : 0.0,
                    { Id: DemoOrganisationIds.Wvft } => 2.0,
                    _ => local ? 3.0 : 0.0,
                };
                return (o.Id, weight);
            }).ToList());
            domesticReceivers[(provinceCode, senderId)] = receivers;
        }

        return receivers;
    }

    private ReferralServices Services(bool transnational)
    {
        (ReferralServices Service, double Domestic, double Transnational)[] shares =
        [
            (ReferralServices.Shelter, 0.5, 0.3),
            (ReferralServices.Medical, 0.35, 0.2),
            (ReferralServices.Psychosocial, 0.7, 0.5),
            (ReferralServices.LegalAid, 0.3, 0.2),
            (ReferralServices.Repatriation, 0.0, 0.9),
            (ReferralServices.FamilyTracing, 0.15, 0.7),
            (ReferralServices.Education, 0.3, 0.1),
            (ReferralServices.VocationalTraining, 0.2, 0.1),
        ];
        var services = ReferralServices.None;
        foreach (var (service, domestic, abroad) in shares)
        {
            if (rng.Chance(transnational ? abroad : domestic))
            {
                services |= service;
            }
        }

        return services == ReferralServices.None ? ReferralServices.Psychosocial : services;
    }

    // Older children consent for themselves; for the youngest a guardian or the case worker does.
    private ConsentGiver WhoConsents(AgeBand? ageBand) => (ageBand switch
    {
        AgeBand.Age15To17 or AgeBand.Age18Plus => OlderChildConsent,
        AgeBand.Age12To14 => YoungTeenConsent,
        _ => YoungChildConsent,
    }).Pick(rng);

    private static string? ProvincialOffice(string? provinceCode) =>
        DemoOrganisations.ProvincialOffices.Where(o => o.ProvinceCode == provinceCode).Select(o => o.Id).FirstOrDefault();

    private static bool IsShelter(string organisationId) => DemoOrganisations.Shelters.Contains(organisationId);

    private static bool IsProvincialOffice(string organisationId) => DemoOrganisations.ProvincialOffices.Any(o => o.Id == organisationId);
}
