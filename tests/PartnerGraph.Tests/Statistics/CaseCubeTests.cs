using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Data.Statistics;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Statistics;

/// <summary>The maintained cubes stay exact, and a table read from a cube is the table counted from the case records.</summary>
public sealed class CaseCubeTests
{
    /// <summary>Questions as "GROUP BY dimensions; from; to; Dimension=v1,v2; ..." ("-" for the default period).</summary>
    public static TheoryData<string> Questions =>
    [
        "Province Quarter Sex; 2020-01-01; 2025-12-31",
        "District; -; -; Province=50",
        "Year ExploitationType VictimStatus; -; -",
        "Province PopulationGroup; -; -; Nationality=MM,KH",
        "Month Sex; 2023-01-01; 2023-06-30; AgeBand=Age12To14,Age15To17",
        "Province; -; -; IdentificationSource=School,Hotline",
        "; -; -",
        "District Year; 2021-04-01; 2024-09-30; District=5001,5002,5010",
        "Quarter; -; -; VictimStatus=Victim; ExploitationType=Labour,Sexual",
        "Province Year; 2019-01-01; 2025-12-31; Sex=Female,Other",
        "Nationality Month; -; -; PopulationGroup=Migrant,Rural; Province=50,57",
        "Province; 2005-01-01; 2005-12-31; Province=96",
        "Province Year Sex; 2019-04-01; 2025-09-30",
        "Quarter Sex; -; -",
        "Province Quarter Sex; 2021-02-01; 2024-11-30",
        "Quarter; 2018-07-01; 2018-12-31; Sex=Male; Province=50",
        "Province Month Sex; 2023-01-01; 2023-12-31",
        "District Province Quarter Month; -; -; Province=50,63",
        "Province Year; 2020-03-15; 2024-08-20",
        "Province Quarter Sex; 2017-01-01; 2026-12-31; AgeBand=Age0To5,Age6To11,Age12To14,Age15To17,Age18Plus",
        "District; -; -; Province=50; VictimStatus=Victim,AtRisk; Sex=Female,Male,Other,Unknown",
    ];

    [Theory]
    [InlineData("2017-01-01", "2026-12-31", "Province Quarter Sex", "sex-quarter")]
    [InlineData("2019-04-01", "2025-09-30", "Province Year Sex", "sex-quarter")]
    [InlineData("2017-02-01", "2026-12-31", "Province Quarter Sex", "sex-month")]
    [InlineData("2017-01-01", "2026-11-30", "Province Quarter Sex", "sex-month")]
    [InlineData("2017-01-01", "2026-12-31", "Province Month Sex", "sex-month")]
    [InlineData("2017-01-01", "2026-12-31", "District Quarter", "geo-month")]
    [InlineData("2017-01-01", "2026-12-30", "Province Quarter Sex", null)]
    public void A_quarter_cube_serves_only_whole_quarters_and_no_month_dimension(string from, string to, string groupBy, string? expected) =>
        Assert.Equal(expected, CaseCounter.PlanCube(Question($"{groupBy}; {from}; {to}"))?.Name);

    /// <summary>A filter naming every value of its dimension selects every case: it needs no cube that keeps the dimension; one that leaves a value out does.</summary>
    [Theory]
    [InlineData("Province Quarter Sex; 2017-01-01; 2026-12-31; AgeBand=Age0To5,Age6To11,Age12To14,Age15To17,Age18Plus", "sex-quarter")]
    [InlineData("Province Quarter Sex; 2017-01-01; 2026-12-31; AgeBand=Age0To5,Age6To11,Age12To14,Age15To17", "sex-age-month")]
    [InlineData("District; -; -; Province=50; VictimStatus=Victim,AtRisk", "geo-month")]
    [InlineData("District; -; -; Province=50; VictimStatus=Victim", null)]
    public void A_filter_of_every_value_needs_no_cube_that_keeps_its_dimension(string spec, string? expected) =>
        Assert.Equal(expected, CaseCounter.PlanCube(Question(spec))?.Name);

    /// <summary>The data layer's two ways of counting agree for every question: the cubes and a GROUP BY over the case records.</summary>
    [Theory]
    [MemberData(nameof(Questions))]
    public async Task A_table_read_from_a_cube_is_the_table_counted_from_the_case_records(string spec)
    {
        var path = await TestDatabase.CopyAsync();
        await using var db = new PartnerGraphDbContext(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.Sqlite, TestDatabase.ConnectionString(path)));
        var question = Question(spec);
        var fromCubes = await CaseCounter.CountAsync(db, question, useCubes: true, CancellationToken.None);
        var fromRecords = await CaseCounter.CountAsync(db, question, useCubes: false, CancellationToken.None);
        Assert.Equal(fromRecords.OrderBy(c => c.Key, StringComparer.Ordinal), fromCubes.OrderBy(c => c.Key, StringComparer.Ordinal));
        var keys = TableDomain.For(question, new GeographyCatalogue()).Keys().ToHashSet(StringComparer.Ordinal);
        Assert.All(fromRecords.Keys, key => Assert.Contains(key, keys));
    }

    private static CaseQuestion Question(string spec)
    {
        var parts = spec.Split(';', StringSplitOptions.TrimEntries);
        var filters = parts.Skip(3).Select(p => p.Split('=')).ToDictionary(p => Enum.Parse<CaseDimension>(p[0]), p => CaseQuestion.Canonical(p[1].Split(',')));
        return new CaseQuestion
        {
            GroupBy = CaseQuestion.Canonical(parts[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Enum.Parse<CaseDimension>)),
            From = parts[1] == "-" ? new DateOnly(2017, 1, 1) : DateOnly.Parse(parts[1], CultureInfo.InvariantCulture),
            To = parts[2] == "-" ? new DateOnly(2026, 12, 31) : DateOnly.Parse(parts[2], CultureInfo.InvariantCulture),
            Filters = filters,
        };
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
        Assert.Equal(expected, CaseCounter.IsRowPerCell(cube, dimensions));
    }

    /// <summary>The cube's rows (counts by its dimensions), from the cube table or summed from the case records.</summary>
    internal static async Task<List<string>> SumsAsync(string path, CaseCube cube, bool fromRecords)
    {
        string Column(CaseDimension d, string recordColumn) => cube.Dimensions.Contains(d) ? recordColumn : "''";

        // The record's month, or the first month of its quarter, as the cube's MonthKey spells it.
        var monthKey = cube.Grain switch
        {
            CubeGrain.Month => "strftime('%Y%m', IdentifiedOn)",
            CubeGrain.Quarter => "strftime('%Y', IdentifiedOn) || CASE WHEN strftime('%m', IdentifiedOn) <= '03' THEN '01' WHEN strftime('%m', IdentifiedOn) <= '06' THEN '04' WHEN strftime('%m', IdentifiedOn) <= '09' THEN '07' ELSE '10' END",
            _ => throw new ArgumentOutOfRangeException(nameof(cube)),
        };
        var key = fromRecords
            ? string.Join(" || '|' || ", [
                "ProvinceCode", Column(CaseDimension.District, "COALESCE(DistrictCode, '')"), $"({monthKey})",
                Column(CaseDimension.AgeBand, "AgeBand"), Column(CaseDimension.Sex, "Sex"), Column(CaseDimension.Nationality, "Nationality"),
                Column(CaseDimension.PopulationGroup, "PopulationGroup"), Column(CaseDimension.ExploitationType, "ExploitationType"),
                Column(CaseDimension.VictimStatus, "VictimStatus"), Column(CaseDimension.IdentificationSource, "IdentificationSource")])
            : "ProvinceCode || '|' || DistrictCode || '|' || MonthKey || '|' || AgeBand || '|' || Sex || '|' || Nationality || '|' || PopulationGroup || '|' || ExploitationType || '|' || VictimStatus || '|' || IdentificationSource";
        var sql = fromRecords
            ? $"SELECT {key} || '=' || COUNT(*) FROM CaseRecords GROUP BY {key} ORDER BY 1"
            : $"SELECT {key} || '=' || Count FROM CaseCounts WHERE Cube = '{cube.Name}' AND Count > 0 ORDER BY 1";
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
