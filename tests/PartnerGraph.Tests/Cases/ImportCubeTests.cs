using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Tests.Infrastructure;
using PartnerGraph.Tests.Statistics;

namespace PartnerGraph.Tests.Cases;

/// <summary>
/// The bulk path keeps the cubes exact: import-cases lifts the cube insert trigger inside its transaction and counts
/// the new rows set-wise, so every cube row is compared with a GROUP BY over the case records after an import, after a
/// refused one (nothing written, not even half), and after the writer's batches.
/// </summary>
public sealed class ImportCubeTests
{
    private const string Header = "identified_on,province,district,age_band,sex,nationality,population_group,migration_status,exploitation_type,victim_status,identification_source,status";
    private const int Rows = 3_000;

    [Fact]
    public async Task An_import_through_the_command_leaves_every_cube_equal_to_counting_the_records_and_the_triggers_as_they_were()
    {
        var database = await TestDatabase.CopyAsync();
        var triggers = await TriggersAsync(database);
        var before = await CountAsync(database);
        var file = await WriteAsync("cube_import.csv", CaseRows(Rows, seed: 23));

        var run = await ServerProcess.RunVerbAsync(["import-cases", file, "--org", "atd"], database: database);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("3,000 case records imported for atd", run.Output, StringComparison.Ordinal);
        Assert.Equal(before + Rows, await CountAsync(database));
        await AssertCubesExactAsync(database);
        Assert.Equal(triggers, await TriggersAsync(database));

        // The triggers are back at work: a record added and some deleted afterwards are counted too.
        await using (var db = Open(database))
        {
            db.CaseRecords.Add(Record(new DateOnly(2026, 2, 3), "5001"));
            await db.SaveChangesAsync();
            await db.CaseRecords.Where(c => c.Id % 11 == 0 && !db.Referrals.Any(r => r.CaseRecordId == c.Id)).ExecuteDeleteAsync();
        }

        await AssertCubesExactAsync(database);
    }

    [Fact]
    public async Task A_bad_row_in_the_middle_of_a_large_file_imports_nothing_names_its_line_and_leaves_the_cubes_untouched()
    {
        var database = await TestDatabase.CopyAsync();
        var triggers = await TriggersAsync(database);
        var cubes = await CubeRowsAsync(database);
        var before = await CountAsync(database);
        var rows = CaseRows(Rows, seed: 29);
        rows[1_500] = "2025-03-05,TH-43,4301,AGE_12_14,FEMALE,XX,MIGRANT,REGULAR_MIGRANT,FORCED_MARRIAGE,AT_RISK,SCHOOL,FOLLOW_UP";
        var file = await WriteAsync("cube_bad_middle.csv", rows);

        var run = await ServerProcess.RunVerbAsync(["import-cases", file, "--org", "atd"], database: database);

        Assert.True(run.ExitCode == 1, run.Output);
        Assert.Contains("line 1502: column nationality ", run.Output, StringComparison.Ordinal); // the header is line 1
        Assert.Contains("1 of 3,000 rows have problems", run.Output, StringComparison.Ordinal);
        Assert.Contains("Nothing was imported", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync(database));
        Assert.Equal(cubes, await CubeRowsAsync(database));
        Assert.Equal(triggers, await TriggersAsync(database));
    }

    [Fact]
    public async Task The_writer_counts_each_batch_gives_each_record_its_id_and_rolls_back_whole_when_the_records_fail()
    {
        var database = await TestDatabase.CopyAsync();
        var triggers = await TriggersAsync(database);
        var districts = new GeographyCatalogue().Provinces.SelectMany(p => p.Districts).Select(d => d.Code).ToList();
        var random = new Random(31);
        var records = Enumerable.Range(0, 100).Select(_ => Record(new DateOnly(2020, 1, 1).AddDays(random.Next(2_000)), districts[random.Next(districts.Count)], random)).ToList();

        await using (var db = Open(database))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            Assert.Equal(100, CaseRecordBulkWriter.InsertEach(db, records, cubeBatch: 7, progress: null, CancellationToken.None));
            await transaction.CommitAsync();
        }

        await AssertCubesExactAsync(database);
        Assert.Equal(triggers, await TriggersAsync(database));
        await using (var db = Open(database))
        {
            var stored = await db.CaseRecords.OrderByDescending(c => c.Id).Take(100).OrderBy(c => c.Id).Select(c => new { c.Id, c.IdentifiedOn, c.DistrictCode }).ToListAsync();
            Assert.Equal(stored.Select(c => (c.Id, c.IdentifiedOn, c.DistrictCode)), records.Select(r => (r.Id, r.IdentifiedOn, r.DistrictCode)));
        }

        var cubes = await CubeRowsAsync(database);
        var count = await CountAsync(database);
        await using (var db = Open(database))
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            // Like a file that turns bad after four batches were counted: the 30th record fails.
            var failing = Enumerable.Range(0, 30).Select(i => i < 29 ? Record(new DateOnly(2021, 5, 1).AddDays(i), districts[i]) : throw new InvalidDataException("a bad record"));
            Assert.Throws<InvalidDataException>(() => CaseRecordBulkWriter.InsertEach(db, failing, cubeBatch: 7, progress: null, CancellationToken.None));
            await transaction.RollbackAsync();
        }

        Assert.Equal(count, await CountAsync(database));
        Assert.Equal(cubes, await CubeRowsAsync(database));
        Assert.Equal(triggers, await TriggersAsync(database));
    }

    /// <summary>Valid rows for ATD (which records anywhere), in the spellings partners use: TH-50 or 50, any case, quotes, blanks.</summary>
    private static string[] CaseRows(int count, int seed)
    {
        var random = new Random(seed);
        var districts = new GeographyCatalogue().Provinces.SelectMany(p => p.Districts.Select(d => (Province: p.Code, District: d.Code))).ToList();
        string Pick<T>(CodeList<T> list)
            where T : struct, Enum => list.Codes[random.Next(list.Codes.Count)].Name;
        string[] nationalities = ["TH", "MM", "KH", "LA", "STATELESS", "UNKNOWN"];
        var rows = new string[count];
        for (var i = 0; i < count; i++)
        {
            var (province, district) = districts[random.Next(districts.Count)];
            var row = new StringBuilder()
                .Append(new DateOnly(2017, 1, 1).AddDays(random.Next(3_500)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',')
                .Append(random.Next(2) == 0 ? "TH-" + province : province).Append(',')
                .Append(random.Next(8) == 0 ? "" : district).Append(',')
                .Append(Pick(CaseVocabulary.AgeBands)).Append(',')
                .Append(random.Next(5) == 0 ? Pick(CaseVocabulary.Sexes).ToLowerInvariant() : Pick(CaseVocabulary.Sexes)).Append(',')
                .Append(nationalities[random.Next(nationalities.Length)]).Append(',')
                .Append(random.Next(7) == 0 ? $"\"{Pick(CaseVocabulary.PopulationGroups)}\"" : Pick(CaseVocabulary.PopulationGroups)).Append(',')
                .Append(Pick(CaseVocabulary.MigrationStatuses)).Append(',')
                .Append(Pick(CaseVocabulary.ExploitationTypes)).Append(',')
                .Append(Pick(CaseVocabulary.VictimStatuses)).Append(',')
                .Append(Pick(CaseVocabulary.IdentificationSources)).Append(',')
                .Append(random.Next(3) == 0 ? "" : Pick(CaseVocabulary.CaseStatuses));
            rows[i] = row.ToString();
        }

        return rows;
    }

    private static CaseRecord Record(DateOnly identifiedOn, string district, Random? random = null) => new()
    {
        RecordingOrganisationId = "atd",
        IdentifiedOn = identifiedOn,
        ProvinceCode = district[..2],
        DistrictCode = random?.Next(5) == 0 ? null : district,
        AgeBand = (AgeBand)(random?.Next(5) ?? 2),
        Sex = (Sex)(random?.Next(4) ?? 0),
        Nationality = random?.Next(3) == 0 ? "MM" : "TH",
        PopulationGroup = (PopulationGroup)(random?.Next(5) ?? 1),
        MigrationStatus = MigrationStatus.Unknown,
        ExploitationType = (ExploitationType)(random?.Next(7) ?? 1),
        VictimStatus = (VictimStatus)(random?.Next(2) ?? 0),
        IdentificationSource = (IdentificationSource)(random?.Next(6) ?? 3),
        Status = CaseStatus.Active,
        RecordedAt = DateTime.UtcNow,
    };

    /// <summary>Every cube, row by row, against the same counts grouped from the case records.</summary>
    private static async Task AssertCubesExactAsync(string database)
    {
        foreach (var cube in CaseCubes.All)
        {
            var expected = await CaseCubeTests.SumsAsync(database, cube, fromRecords: true);
            Assert.True(expected.Count > 0);
            Assert.Equal(expected, await CaseCubeTests.SumsAsync(database, cube, fromRecords: false));
        }
    }

    private static Task<List<string>> CubeRowsAsync(string database) =>
        QueryAsync(database, "SELECT Cube || '|' || ProvinceCode || '|' || DistrictCode || '|' || MonthKey || '|' || AgeBand || '|' || Sex || '|' || Nationality || '|' || PopulationGroup || '|' || ExploitationType || '|' || VictimStatus || '|' || IdentificationSource || '=' || Count FROM CaseCounts ORDER BY 1");

    private static Task<List<string>> TriggersAsync(string database) =>
        QueryAsync(database, "SELECT name || ': ' || sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name");

    private static async Task<List<string>> QueryAsync(string database, string sql)
    {
        await using var connection = new SqliteConnection(TestDatabase.ConnectionString(database));
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

    private static async Task<string> WriteAsync(string name, string[] rows)
    {
        var path = Path.Combine(TestDatabase.Folder, $"{Guid.NewGuid():N}-{name}");
        await File.WriteAllTextAsync(path, Header + "\r\n" + string.Join("\r\n", rows) + "\r\n");
        return path;
    }

    private static PartnerGraphDbContext Open(string database) =>
        new(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.Sqlite, TestDatabase.ConnectionString(database)));

    private static async Task<int> CountAsync(string database)
    {
        await using var db = Open(database);
        return await db.CaseRecords.CountAsync();
    }
}
