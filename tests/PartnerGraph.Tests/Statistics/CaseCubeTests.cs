using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Domain.Cases;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Statistics;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Statistics;

/// <summary>The maintained cubes stay exact, and a table read from a cube is the table counted from the case records.</summary>
public sealed class CaseCubeTests
{
    public static TheoryData<string> Tables =>
    [
        """{ caseStatistics(filter: { period: { from: "2020-01-01", to: "2025-12-31" } }, groupBy: [PROVINCE, QUARTER, SEX]) { cells { province { code } quarter sex count suppressed } total { count suppressed } disclosureControl { primarySuppressed secondarySuppressed } } }""",
        """{ caseStatistics(filter: { provinces: ["TH-50"] }, groupBy: [DISTRICT]) { cells { district { code } count suppressed } total { count } } }""",
        """{ caseStatistics(groupBy: [YEAR, EXPLOITATION_TYPE, VICTIM_STATUS]) { cells { year exploitationType victimStatus count suppressed } total { count } } }""",
        """{ caseStatistics(filter: { nationalities: ["MM", "KH"] }, groupBy: [PROVINCE, POPULATION_GROUP]) { cells { province { code } populationGroup count suppressed } total { count } } }""",
        """{ caseStatistics(filter: { ageBands: [AGE_12_14, AGE_15_17], period: { from: "2023-01-01", to: "2023-06-30" } }, groupBy: [MONTH, SEX]) { cells { month sex count suppressed } total { count } } }""",
        """{ caseStatistics(filter: { identificationSources: [SCHOOL, HOTLINE] }, groupBy: [PROVINCE]) { cells { province { code } count suppressed } total { count } } }""",
        """{ caseStatistics(groupBy: []) { total { count } } }""",
        """{ caseStatistics(filter: { districts: ["5001", "5002", "5010"], period: { from: "2021-04-01", to: "2024-09-30" } }, groupBy: [DISTRICT, YEAR]) { cells { district { code } year count suppressed } total { count } } }""",
        """{ caseStatistics(filter: { victimStatuses: [VICTIM], exploitationTypes: [LABOUR, SEXUAL] }, groupBy: [QUARTER]) { cells { quarter count suppressed } total { count } } }""",
        """{ caseStatistics(filter: { sexes: [FEMALE, OTHER], period: { from: "2019-01-01", to: "2025-12-31" } }, groupBy: [PROVINCE, YEAR]) { cells { province { code } year count suppressed } total { count } } }""",
        """{ caseStatistics(filter: { populationGroups: [MIGRANT, RURAL], provinces: ["TH-50", "TH-57"] }, groupBy: [NATIONALITY, MONTH]) { cells { nationality month count suppressed } total { count } } }""",
        """{ caseStatistics(filter: { provinces: ["TH-96"], period: { from: "2005-01-01", to: "2005-12-31" } }, groupBy: [PROVINCE]) { cells { province { code } count } total { count suppressed } } }""",
        """{ caseStatistics(filter: { period: { from: "2019-04-01", to: "2025-09-30" } }, groupBy: [PROVINCE, YEAR, SEX]) { cells { province { code } year sex count suppressed } total { count suppressed } } }""",
        """{ caseStatistics(groupBy: [QUARTER, SEX]) { cells { quarter sex count suppressed } total { count } } }""",
        """{ caseStatistics(filter: { period: { from: "2021-02-01", to: "2024-11-30" } }, groupBy: [PROVINCE, QUARTER, SEX]) { cells { province { code } quarter sex count suppressed } total { count suppressed } } }""",
        """{ caseStatistics(filter: { sexes: [MALE], provinces: ["TH-50"], period: { from: "2018-07-01", to: "2018-12-31" } }, groupBy: [QUARTER]) { cells { quarter count suppressed } total { count } } }""",
        """{ caseStatistics(filter: { period: { from: "2023-01-01", to: "2023-12-31" } }, groupBy: [PROVINCE, MONTH, SEX]) { cells { province { code } month sex count suppressed } total { count suppressed } } }""",
        """{ caseStatistics(filter: { provinces: ["TH-50", "TH-63"] }, groupBy: [DISTRICT, PROVINCE, QUARTER, MONTH]) { cells { district { code } province { code } quarter month count suppressed } total { count } } }""",
    ];

    [Theory]
    [InlineData("2017-01-01", "2026-12-31", "Province Quarter Sex", "sex-quarter")]
    [InlineData(null, null, "Province Quarter Sex", "sex-quarter")]
    [InlineData("2019-04-01", "2025-09-30", "Province Year Sex", "sex-quarter")]
    [InlineData("2017-02-01", "2026-12-31", "Province Quarter Sex", "sex-month")]
    [InlineData("2017-01-01", "2026-11-30", "Province Quarter Sex", "sex-month")]
    [InlineData("2017-01-01", "2026-12-31", "Province Month Sex", "sex-month")]
    [InlineData(null, null, "Month Sex", "sex-month")]
    [InlineData("2017-01-01", "2026-12-31", "District Quarter", "geo-month")]
    [InlineData("2017-01-01", "2026-12-30", "Province Quarter Sex", null)]
    public void A_quarter_cube_serves_only_whole_quarters_and_no_month_dimension(string? from, string? to, string groupBy, string? expected)
    {
        var period = from is null || to is null ? null : new Period { From = DateOnly.Parse(from, CultureInfo.InvariantCulture), To = DateOnly.Parse(to, CultureInfo.InvariantCulture) };
        var dimensions = groupBy.Split(' ').Select(Enum.Parse<CaseDimension>).ToList();
        var cube = CaseTables.PlanCube(new CaseStatisticsFilter { Period = period }, period, districts: null, dimensions);
        Assert.Equal(expected, cube?.Name);
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public async Task A_table_read_from_a_cube_is_the_table_counted_from_the_case_records(string query)
    {
        var database = await TestDatabase.CopyAsync();
        await using var cubes = await PartnerGraphApp.StartAsync(databasePath: database);
        await using var records = await PartnerGraphApp.StartAsync(databasePath: database, settings: new Dictionary<string, string?> { ["Statistics:UseCubes"] = "false" });

        var fromCubes = (await (await cubes.GraphQLAsync()).PostAsync(query)).AssertNoErrors();
        var fromRecords = (await (await records.GraphQLAsync()).PostAsync(query)).AssertNoErrors();
        Assert.Equal(fromRecords.Body.ToJsonString(), fromCubes.Body.ToJsonString());
    }

    [Fact]
    public async Task Every_cube_equals_the_case_records_summed_after_inserts_and_deletes()
    {
        var path = await TestDatabase.CopyAsync();
        await using var db = new PartnerGraphDbContext(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.Sqlite, TestDatabase.ConnectionString(path)));
        var random = new Random(11);
        var districts = await db.Districts.Where(d => d.ProvinceCode == "50" || d.ProvinceCode == "63").Select(d => d.Code).ToListAsync();
        for (var i = 0; i < 200; i++)
        {
            var district = districts[random.Next(districts.Count)];
            db.CaseRecords.Add(new CaseRecord
            {
                RecordingOrganisationId = "atd",
                IdentifiedOn = new DateOnly(2024, 1, 1).AddDays(random.Next(700)),
                ProvinceCode = district[..2],
                DistrictCode = random.Next(10) == 0 ? null : district,
                AgeBand = (AgeBand)random.Next(5),
                Sex = (Sex)random.Next(4),
                Nationality = random.Next(3) == 0 ? "MM" : "TH",
                PopulationGroup = (PopulationGroup)random.Next(5),
                MigrationStatus = MigrationStatus.Unknown,
                ExploitationType = (ExploitationType)random.Next(7),
                VictimStatus = (VictimStatus)random.Next(2),
                IdentificationSource = (IdentificationSource)random.Next(6),
                Status = CaseStatus.Active,
                CellKey = random.Next(256),
                RecordedAt = DateTime.UtcNow,
            });
        }

        await db.SaveChangesAsync();
        await db.CaseRecords.Where(c => c.Id % 7 == 0 && !db.Referrals.Any(r => r.CaseRecordId == c.Id)).ExecuteDeleteAsync();

        foreach (var cube in CaseCubes.All)
        {
            var expected = await SumsAsync(path, cube, fromRecords: true);
            var actual = await SumsAsync(path, cube, fromRecords: false);
            Assert.True(expected.Count > 0);
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [InlineData("sex-quarter", "Province Quarter Sex", true)]
    [InlineData("sex-quarter", "Sex Year Quarter Province", true)]
    [InlineData("sex-quarter", "Province Year Sex", false)]
    [InlineData("sex-quarter", "Quarter Sex", false)]
    [InlineData("sex-month", "Province Month Sex", true)]
    [InlineData("sex-month", "Province Quarter Sex", false)]
    [InlineData("geo-month", "District Province Quarter Month", true)]
    [InlineData("geo-month", "District Month", false)]
    public void A_table_grouped_by_all_of_a_cube_at_its_grain_reads_one_row_per_cell(string cubeName, string groupBy, bool expected)
    {
        var cube = CaseCubes.All.Single(c => c.Name == cubeName);
        var dimensions = groupBy.Split(' ').Select(Enum.Parse<CaseDimension>).ToList();
        Assert.Equal(expected, CaseTables.IsRowPerCell(cube, dimensions));
    }

    /// <summary>The cube's rows (count and key sum by its dimensions), from the cube table or summed from the case records.</summary>
    private static async Task<List<string>> SumsAsync(string path, CaseCube cube, bool fromRecords)
    {
        string Column(CubeDimension d, string recordColumn) => cube.Dimensions.Contains(d) ? recordColumn : "''";

        // The record's month, or the first month of its quarter, as the cube's MonthKey spells it.
        var monthKey = cube.Grain switch
        {
            CubeGrain.Month => "strftime('%Y%m', IdentifiedOn)",
            CubeGrain.Quarter => "strftime('%Y', IdentifiedOn) || CASE WHEN strftime('%m', IdentifiedOn) <= '03' THEN '01' WHEN strftime('%m', IdentifiedOn) <= '06' THEN '04' WHEN strftime('%m', IdentifiedOn) <= '09' THEN '07' ELSE '10' END",
            _ => throw new ArgumentOutOfRangeException(nameof(cube)),
        };
        var key = fromRecords
            ? string.Join(" || '|' || ", [
                "ProvinceCode", Column(CubeDimension.District, "COALESCE(DistrictCode, '')"), $"({monthKey})",
                Column(CubeDimension.AgeBand, "AgeBand"), Column(CubeDimension.Sex, "Sex"), Column(CubeDimension.Nationality, "Nationality"),
                Column(CubeDimension.PopulationGroup, "PopulationGroup"), Column(CubeDimension.ExploitationType, "ExploitationType"),
                Column(CubeDimension.VictimStatus, "VictimStatus"), Column(CubeDimension.IdentificationSource, "IdentificationSource")])
            : "ProvinceCode || '|' || DistrictCode || '|' || MonthKey || '|' || AgeBand || '|' || Sex || '|' || Nationality || '|' || PopulationGroup || '|' || ExploitationType || '|' || VictimStatus || '|' || IdentificationSource";
        var sql = fromRecords
            ? $"SELECT {key} || '=' || COUNT(*) || '/' || SUM(CellKey) FROM CaseRecords GROUP BY {key} ORDER BY 1"
            : $"SELECT {key} || '=' || Count || '/' || KeySum FROM CaseCounts WHERE Cube = '{cube.Name}' AND Count > 0 ORDER BY 1";
        await using var connection = new SqliteConnection(TestDatabase.ConnectionString(path));
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}
