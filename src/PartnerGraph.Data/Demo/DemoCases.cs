using PartnerGraph.Domain.Cases;
using PartnerGraph.Domain.Organisations;

namespace PartnerGraph.Data.Demo;

/// <summary>Synthetic case records: plausible in their distributions, about no real child.</summary>
internal sealed class DemoCases
{
    public const string Stateless = "STATELESS";
    public const string Unknown = "UNKNOWN";

    /// <summary>The version of <see cref="Stream"/>'s output: raised whenever a change to it makes other cases from the same seed.</summary>
    public const int StreamVersion = 1;

    public static readonly DateOnly FirstDay = new(2017, 1, 1);

    /// <summary>The share of cases identified outside the 35 provinces of the partners.</summary>
    private const double OutsideShare = 0.03;

    private static readonly Weighted<AgeBand> AgeBands = Weighted.Of(
        (AgeBand.Age0To5, 5.0), (AgeBand.Age6To11, 13.0), (AgeBand.Age12To14, 30.0), (AgeBand.Age15To17, 42.0), (AgeBand.Age18Plus, 10.0));

    private static readonly Weighted<Sex> Sexes = Weighted.Of((Sex.Female, 57.0), (Sex.Male, 41.0), (Sex.Other, 0.5), (Sex.Unknown, 1.5));

    private static readonly Weighted<PopulationGroup> ThaiGroups = Weighted.Of(
        (PopulationGroup.Urban, 15.0), (PopulationGroup.Rural, 45.0), (PopulationGroup.Marginalised, 25.0));

    private static readonly Weighted<PopulationGroup> ThaiUrbanGroups = Weighted.Of(
        (PopulationGroup.Urban, 40.0), (PopulationGroup.Rural, 45.0), (PopulationGroup.Marginalised, 25.0));

    private static readonly Weighted<PopulationGroup> StatelessGroups = Weighted.Of(
        (PopulationGroup.Marginalised, 60.0), (PopulationGroup.Migrant, 25.0), (PopulationGroup.Rural, 15.0));

    private static readonly Weighted<PopulationGroup> UnknownNationalityGroups = Weighted.Of(
        (PopulationGroup.Migrant, 50.0), (PopulationGroup.Marginalised, 40.0), (PopulationGroup.Urban, 10.0));

    private static readonly Weighted<PopulationGroup> ForeignGroups = Weighted.Of(
        (PopulationGroup.Migrant, 60.0), (PopulationGroup.AccompanyingMigrantWorker, 35.0), (PopulationGroup.Marginalised, 5.0));

    private static readonly Weighted<MigrationStatus> UnknownNationalityMigration = Weighted.Of(
        (MigrationStatus.Unknown, 80.0), (MigrationStatus.IrregularMigrant, 20.0));

    private static readonly Weighted<MigrationStatus> ForeignMigration = Weighted.Of(
        (MigrationStatus.RegularMigrant, 30.0), (MigrationStatus.IrregularMigrant, 60.0), (MigrationStatus.Unknown, 10.0));

    private static readonly Weighted<CaseStatus> NewCaseStatuses = Weighted.Of(
        (CaseStatus.Active, 70.0), (CaseStatus.FollowUp, 25.0), (CaseStatus.Closed, 5.0));

    private static readonly Weighted<CaseStatus> RecentCaseStatuses = Weighted.Of(
        (CaseStatus.Active, 30.0), (CaseStatus.FollowUp, 40.0), (CaseStatus.Closed, 20.0), (CaseStatus.ClosedReferred, 10.0));

    private static readonly Weighted<CaseStatus> OlderCaseStatuses = Weighted.Of(
        (CaseStatus.Active, 5.0), (CaseStatus.FollowUp, 15.0), (CaseStatus.Closed, 55.0), (CaseStatus.ClosedReferred, 25.0));

    private static readonly Weighted<CaseStatus> OldCaseStatuses = Weighted.Of(
        (CaseStatus.Active, 1.0), (CaseStatus.FollowUp, 3.0), (CaseStatus.Closed, 66.0), (CaseStatus.ClosedReferred, 30.0));

    private static readonly HashSet<string> HubProvinces = DemoProvinces.All.Where(p => p.Hub).Select(p => p.Code).ToHashSet(StringComparer.Ordinal);

    private readonly Random rng;
    private readonly DateOnly asOf;
    private readonly Weighted<int> years;
    private readonly Weighted<string> provinces;
    private readonly Dictionary<string, Weighted<string>> districtsByProvince;
    private readonly Dictionary<string, Weighted<string>> recordersByProvince;
    private readonly Dictionary<string, Weighted<string>> nationalitiesByProvince;
    private readonly Dictionary<(int Year, AgeBand AgeBand), Weighted<ExploitationType>> exploitationTypes = [];
    private readonly Dictionary<ExploitationType, Weighted<IdentificationSource>> sourcesByExploitation;

    public DemoCases(Random rng, DateOnly asOf, IReadOnlyList<(string Code, string ProvinceCode)> districts, IReadOnlyList<Organisation> organisations)
    {
        this.rng = rng;
        this.asOf = asOf;
        years = YearWeights();
        provinces = ProvinceWeights(districts.Select(d => d.ProvinceCode).Distinct().Order(StringComparer.Ordinal));
        districtsByProvince = districts
            .Where(d => d.Code != DemoProvinces.DistrictWithThreeCases)
            .GroupBy(d => d.ProvinceCode)
            .ToDictionary(g => g.Key, g => DistrictWeights(g.Select(d => d.Code)), StringComparer.Ordinal);
        recordersByProvince = districtsByProvince.Keys.ToDictionary(code => code, code => Recorders(code, organisations), StringComparer.Ordinal);
        nationalitiesByProvince = districtsByProvince.Keys.ToDictionary(code => code, Nationalities, StringComparer.Ordinal);
        sourcesByExploitation = Enum.GetValues<ExploitationType>().ToDictionary(t => t, IdentificationSources);
    }

    /// <summary>The cases in the order they were recorded, the three of the known small district among them.</summary>
    public List<CaseRecord> Generate(int count)
    {
        var fixedCases = count >= 3 ? 3 : 0;
        var cases = new List<CaseRecord>(count);
        for (var i = 0; i < count - fixedCases; i++)
        {
            var provinceCode = provinces.Pick(rng);
            cases.Add(NewCase(provinceCode, districtsByProvince[provinceCode].Pick(rng)));
        }

        for (var i = 0; i < fixedCases; i++)
        {
            cases.Add(NewCase(DemoProvinces.DistrictWithThreeCases[..2], DemoProvinces.DistrictWithThreeCases));
        }

        return cases.OrderBy(c => c.RecordedAt).ToList();
    }

    /// <summary>
    /// The cases in the order they were recorded, made as they are read: nothing but about ten days of cases is held,
    /// whatever the count (the benchmark's ten million). Each case is drawn as <see cref="Generate"/> draws one, from the
    /// same distributions, but the identification days come first, in ascending order (the order statistics of
    /// <paramref name="count"/> draws from the days' distribution, made one after another), so the random sequence and
    /// with it the cases differ from <see cref="Generate"/>'s: a generator of its own (<see cref="StreamVersion"/>).
    /// </summary>
    public IEnumerable<CaseRecord> Stream(int count)
    {
        var (days, cumulative) = DayDistribution();
        var fixedCases = new HashSet<int>();
        while (fixedCases.Count < Math.Min(3, count))
        {
            fixedCases.Add(rng.Next(count));
        }

        // Recorded within a week of identification: once identification reaches a day, every case recorded before it is known.
        var pending = new PriorityQueue<CaseRecord, DateTime>();
        var day = 0;
        var quantile = 0.0;
        for (var i = 0; i < count; i++)
        {
            // The next smallest of the count - i uniform draws still to come, above the last one.
            quantile += (1 - quantile) * (1 - Math.Exp(Math.Log(1 - rng.NextDouble()) / (count - i)));
            while (day < days.Length - 1 && cumulative[day] < quantile)
            {
                day++;
            }

            var dayStart = days[day].ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            while (pending.TryPeek(out var earliest, out var recordedAt) && recordedAt < dayStart)
            {
                pending.Dequeue();
                yield return earliest;
            }

            var provinceCode = fixedCases.Contains(i) ? DemoProvinces.DistrictWithThreeCases[..2] : provinces.Pick(rng);
            var districtCode = fixedCases.Contains(i) ? DemoProvinces.DistrictWithThreeCases : districtsByProvince[provinceCode].Pick(rng);
            var record = NewCase(provinceCode, districtCode, days[day]);
            pending.Enqueue(record, record.RecordedAt);
        }

        while (pending.TryDequeue(out var record, out _))
        {
            yield return record;
        }
    }

    /// <summary>Every day a case may be identified on, with the cumulative share of cases identified up to it (as <see cref="IdentificationDay"/> draws).</summary>
    private (DateOnly[] Days, double[] Cumulative) DayDistribution()
    {
        var days = new List<DateOnly>();
        var weights = new List<double>();
        var shares = YearShares().ToList();
        var total = shares.Sum(c => c.Weight);
        foreach (var (year, weight) in shares)
        {
            var first = new DateOnly(year, 1, 1);
            var last = year == asOf.Year ? asOf : new DateOnly(year, 12, 31);
            var count = last.DayNumber - first.DayNumber + 1;
            for (var d = 0; d < count; d++)
            {
                days.Add(first.AddDays(d));
                weights.Add(weight / total / count);
            }
        }

        var cumulative = new double[weights.Count];
        var sum = 0.0;
        for (var i = 0; i < cumulative.Length; i++)
        {
            sum += weights[i];
            cumulative[i] = sum;
        }

        return ([.. days], cumulative);
    }

    private CaseRecord NewCase(string provinceCode, string districtCode, DateOnly? identified = null)
    {
        var identifiedOn = identified ?? IdentificationDay();
        var ageBand = AgeBands.Pick(rng);
        var nationality = nationalitiesByProvince[provinceCode].Pick(rng);
        var exploitation = ExploitationTypeFor(identifiedOn.Year, ageBand);
        var source = sourcesByExploitation[exploitation].Pick(rng);
        var recordedOn = identifiedOn.AddDays(Math.Min(rng.Next(0, 8), asOf.DayNumber - identifiedOn.DayNumber));
        return new CaseRecord
        {
            RecordingOrganisationId = recordersByProvince[provinceCode].Pick(rng),
            IdentifiedOn = identifiedOn,
            ProvinceCode = provinceCode,
            DistrictCode = districtCode,
            AgeBand = ageBand,
            Sex = Sexes.Pick(rng),
            Nationality = nationality,
            PopulationGroup = PopulationGroupFor(nationality, provinceCode),
            MigrationStatus = MigrationStatusFor(nationality),
            ExploitationType = exploitation,
            VictimStatus = rng.Chance(VictimShare(source)) ? VictimStatus.Victim : VictimStatus.AtRisk,
            IdentificationSource = source,
            Status = StatusAfter(asOf.DayNumber - identifiedOn.DayNumber),
            RecordedAt = RecordedDuringOfficeHours(recordedOn),
        };
    }

    /// <summary>
    /// The time of recording. The draw a case's cell key took before differential privacy replaced cell keys is still
    /// made and thrown away, so that the seeded demo data (and every figure and snapshot drawn from it) stays the same.
    /// </summary>
    private DateTime RecordedDuringOfficeHours(DateOnly recordedOn)
    {
        _ = rng.Next(0, 256);
        return rng.DuringOfficeHours(recordedOn);
    }

    private DateOnly IdentificationDay()
    {
        var year = years.Pick(rng);
        var first = new DateOnly(year, 1, 1);
        var last = year == asOf.Year ? asOf : new DateOnly(year, 12, 31);
        return first.AddDays(rng.Next(0, last.DayNumber - first.DayNumber + 1));
    }

    // More children are identified each year as the partners' reach grows, with a dip in the pandemic years.
    private Weighted<int> YearWeights() => new(YearShares());

    private IEnumerable<(int Year, double Weight)> YearShares() =>
        Enumerable.Range(FirstDay.Year, asOf.Year - FirstDay.Year + 1).Select(year =>
        {
            var days = year == asOf.Year ? asOf.DayOfYear : 365.0;
            var covid = year is 2020 or 2021 ? 0.8 : 1.0;
            return (year, (6.0 + year - FirstDay.Year) * covid * days / 365.0);
        });

    private static Weighted<string> ProvinceWeights(IEnumerable<string> allProvinceCodes)
    {
        var demo = DemoProvinces.All.ToDictionary(p => p.Code, ProvinceWeight, StringComparer.Ordinal);
        var outside = allProvinceCodes.Where(code => !demo.ContainsKey(code)).ToList();
        var demoTotal = demo.Values.Sum();
        return new(demo.Select(p => (p.Key, p.Value * (1 - OutsideShare) / demoTotal))
            .Concat(outside.Select(code => (code, OutsideShare / outside.Count))));
    }

    // Bangkok and the border crossings identify the most children.
    private static double ProvinceWeight(DemoProvince province) => province switch
    {
        { Code: "10" } => 5.0,
        { Border: true, Hub: true } => 4.0,
        { Border: true } or { Hub: true } => 3.0,
        _ => 1.5,
    };

    // A few districts dominate, most see a handful of children: small cells for disclosure control to suppress.
    private Weighted<string> DistrictWeights(IEnumerable<string> districtCodes) =>
        new(districtCodes.Select(code =>
        {
            var weight = 0.2 + (rng.NextDouble() * rng.NextDouble() * 2);
            if (DemoProvinces.HotspotDistricts.Contains(code))
            {
                weight *= 8;
            }
            else if (code.EndsWith("01", StringComparison.Ordinal))
            {
                weight *= 3;
            }

            return (code, weight);
        }).ToList());

    // The national division records anywhere; local partners record where they operate, the provincial office most.
    private static Weighted<string> Recorders(string provinceCode, IReadOnlyList<Organisation> organisations)
    {
        var local = organisations
            .Where(o => o.Country == "TH" && o.Kind != OrganisationKind.International && o.Provinces.Any(p => p.ProvinceCode == provinceCode))
            .Select(o => (o.Id, RecorderWeight(o)))
            .ToList();
        return local.Count > 0 ? new(local) : Weighted.Of((DemoOrganisationIds.Atd, 1.0));
    }

    private static double RecorderWeight(Organisation organisation) => organisation switch
    {
        { Id: DemoOrganisationIds.Atd } => 2.0,
        { Id: DemoOrganisationIds.Wvft } => 3.0,
        { Kind: OrganisationKind.Government } when DemoOrganisations.Shelters.Contains(organisation.Id) => 2.0,
        { Kind: OrganisationKind.Government } => 5.0,
        _ => 2.5,
    };

    private static Weighted<string> Nationalities(string provinceCode)
    {
        var province = DemoProvinces.All.FirstOrDefault(p => p.Code == provinceCode);
        if (province is null)
        {
            return Weighted.Of(("TH", 85.0), (DemoProvinces.Myanmar, 6.0), (DemoProvinces.Cambodia, 3.0), (DemoProvinces.Laos, 3.0), (Stateless, 1.0), (Unknown, 2.0));
        }

        var weights = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["TH"] = 60,
            [DemoProvinces.Myanmar] = 5,
            [DemoProvinces.Cambodia] = 3,
            [DemoProvinces.Laos] = 3,
            [DemoProvinces.VietNam] = 0.5,
            [DemoProvinces.Malaysia] = DemoProvinces.MalaysianBorder.Contains(provinceCode) ? 2 : 0.1,
            [Stateless] = DemoProvinces.Highland.Contains(provinceCode) ? 7 : 2,
            [Unknown] = 2,
        };
        weights[province.MainForeignNationality] += 18;
        return new(weights.Select(w => (w.Key, w.Value)).ToList());
    }

    private PopulationGroup PopulationGroupFor(string nationality, string provinceCode) => (nationality switch
    {
        "TH" => HubProvinces.Contains(provinceCode) ? ThaiUrbanGroups : ThaiGroups,
        Stateless => StatelessGroups,
        Unknown => UnknownNationalityGroups,
        _ => ForeignGroups,
    }).Pick(rng);

    private MigrationStatus MigrationStatusFor(string nationality) => nationality switch
    {
        "TH" => MigrationStatus.NotMigrant,
        Stateless => MigrationStatus.Stateless,
        Unknown => UnknownNationalityMigration.Pick(rng),
        _ => ForeignMigration.Pick(rng),
    };

    private ExploitationType ExploitationTypeFor(int year, AgeBand ageBand)
    {
        if (!exploitationTypes.TryGetValue((year, ageBand), out var types))
        {
            types = ExploitationTypes(year, ageBand);
            exploitationTypes[(year, ageBand)] = types;
        }

        return types.Pick(rng);
    }

    // Online sexual exploitation grows year on year; scam compounds appear from 2020; the youngest are begging, not working.
    private static Weighted<ExploitationType> ExploitationTypes(int year, AgeBand ageBand)
    {
        var young = ageBand is AgeBand.Age0To5 or AgeBand.Age6To11;
        var online = (year - 2016) / 5.0;
        var scams = year < 2020 ? 0.0 : year < 2022 ? 0.5 : 2.0;
        return Weighted.Of(
            (ExploitationType.Sexual, ageBand == AgeBand.Age0To5 ? 7.0 : 24.0),
            (ExploitationType.Labour, ageBand == AgeBand.Age0To5 ? 4.0 : 22.0),
            (ExploitationType.ForcedBegging, young ? 24.0 : 6.0),
            (ExploitationType.OnlineSexualExploitation, 14.0 * online * (ageBand == AgeBand.Age0To5 ? 0.5 : 1.0)),
            (ExploitationType.ForcedCriminality, young ? 0.0 : 6.0 * scams),
            (ExploitationType.ForcedMarriage, young ? 0.0 : 3.0),
            (ExploitationType.Other, 3.0));
    }

    private static Weighted<IdentificationSource> IdentificationSources(ExploitationType exploitation) => Weighted.Of(
        (IdentificationSource.CommunityVolunteer, 22.0),
        (IdentificationSource.School, 16.0),
        (IdentificationSource.Police, exploitation is ExploitationType.ForcedCriminality or ExploitationType.OnlineSexualExploitation ? 35.0 : 20.0),
        (IdentificationSource.Hotline, exploitation == ExploitationType.OnlineSexualExploitation ? 30.0 : 12.0),
        (IdentificationSource.NgoOutreach, 20.0),
        (IdentificationSource.LabourInspection, exploitation == ExploitationType.Labour ? 25.0 : 1.0));

    // Prevention channels find children at risk; enforcement finds victims.
    private static double VictimShare(IdentificationSource source) => source switch
    {
        IdentificationSource.CommunityVolunteer or IdentificationSource.School => 0.25,
        IdentificationSource.NgoOutreach => 0.4,
        IdentificationSource.Hotline => 0.55,
        _ => 0.85,
    };

    // Older cases are mostly closed; the newest are still open.
    private CaseStatus StatusAfter(int days) => (days switch
    {
        < 90 => NewCaseStatuses,
        < 365 => RecentCaseStatuses,
        < 3 * 365 => OlderCaseStatuses,
        _ => OldCaseStatuses,
    }).Pick(rng);
}
