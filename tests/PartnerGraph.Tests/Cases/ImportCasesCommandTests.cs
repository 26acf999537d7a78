using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Cases;

/// <summary>import-cases run as partners run it: the server program on a copy of the seeded database.</summary>
public sealed class ImportCasesCommandTests
{
    private const string Header = "identified_on,province,district,age_band,sex,nationality,population_group,migration_status,exploitation_type,victim_status,identification_source,status";
    private const string GoodRow = "2025-03-05,TH-43,4301,AGE_12_14,FEMALE,LA,MIGRANT,REGULAR_MIGRANT,FORCED_MARRIAGE,AT_RISK,SCHOOL,FOLLOW_UP";

    private static string Sample => RepositoryRoot.File("schema", "samples", "cases.csv");

    [Fact]
    public async Task The_sample_file_imports_all_its_rows_as_EF_Core_reads_them()
    {
        var database = await TestDatabase.CopyAsync();
        var before = await CountAsync(database);

        var run = await ServerProcess.RunVerbAsync(["import-cases", Sample, "--org", "wvft"], database: database);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("20 case records imported for wvft", run.Output, StringComparison.Ordinal);
        Assert.Equal(before + 20, await CountAsync(database));
        await using var db = Open(database);
        var imported = await db.CaseRecords.OrderByDescending(c => c.Id).Take(20).OrderBy(c => c.Id).ToListAsync();
        var rows = (await File.ReadAllLinesAsync(Sample)).Skip(1).Select(l => l.Split(',')).ToList();
        Assert.All(imported, c => Assert.Equal("wvft", c.RecordingOrganisationId));
        Assert.All(imported, c => Assert.Equal(DateTimeKind.Utc, c.RecordedAt.Kind));
        Assert.Equal(rows.Select(r => r[0]), imported.Select(c => c.IdentifiedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(rows.Select(r => r[1].Replace("TH-", "", StringComparison.Ordinal)), imported.Select(c => c.ProvinceCode));
        Assert.Equal(rows.Select(r => r[2].Length == 0 ? null : r[2]), imported.Select(c => c.DistrictCode));
        Assert.Equal(rows.Select(r => r[3]), imported.Select(c => CaseVocabulary.AgeBands.Name(c.AgeBand)));
        Assert.Equal(rows.Select(r => r[5]), imported.Select(c => c.Nationality));
        Assert.Equal(rows.Select(r => r[8]), imported.Select(c => CaseVocabulary.ExploitationTypes.Name(c.ExploitationType)));
        Assert.Equal(rows.Select(r => r[11]), imported.Select(c => CaseVocabulary.CaseStatuses.Name(c.Status)));
    }

    [Fact]
    public async Task Columns_come_in_any_order_and_district_and_status_may_be_left_out()
    {
        var database = await TestDatabase.CopyAsync();
        var file = await WriteAsync(
            "status_free.csv",
            "nationality,identified_on,province,age_band,sex,population_group,migration_status,exploitation_type,victim_status,identification_source",
            "MM,2025-04-01,TH-63,AGE_15_17,MALE,MIGRANT,IRREGULAR_MIGRANT,LABOUR,VICTIM,POLICE",
            "\"KH\",2025-04-02,27,age_6_11,female,ACCOMPANYING_MIGRANT_WORKER,REGULAR_MIGRANT,FORCED_BEGGING,AT_RISK,NGO_OUTREACH");
        var before = await CountAsync(database);

        var run = await ServerProcess.RunVerbAsync(["import-cases", file, "--org", "wvft"], database: database);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Equal(before + 2, await CountAsync(database));
        await using var db = Open(database);
        Assert.All(await db.CaseRecords.OrderByDescending(c => c.Id).Take(2).ToListAsync(), c => Assert.Equal((CaseStatus.Active, (string?)null), (c.Status, c.DistrictCode)));
    }

    [Fact]
    public async Task A_file_with_one_bad_row_imports_nothing_and_the_report_names_its_line_and_column()
    {
        var database = await TestDatabase.CopyAsync();
        var file = await WriteAsync("one_bad.csv", Header, GoodRow, GoodRow, GoodRow.Replace(",LA,", ",XX,", StringComparison.Ordinal), GoodRow);
        var before = await CountAsync(database);

        var run = await ServerProcess.RunVerbAsync(["import-cases", file, "--org", "wvft"], database: database);

        Assert.True(run.ExitCode == 1, run.Output);
        Assert.Contains("line 4: column nationality ", run.Output, StringComparison.Ordinal);
        Assert.Contains("(INVALID_CASE)", run.Output, StringComparison.Ordinal);
        Assert.Contains("1 of 4 rows have problems", run.Output, StringComparison.Ordinal);
        Assert.Contains("Nothing was imported", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync(database));
    }

    [Fact]
    public async Task Every_bad_row_is_named_with_each_of_its_problems()
    {
        var database = await TestDatabase.CopyAsync();
        var file = await WriteAsync(
            "many_bad.csv",
            Header,
            GoodRow.Replace("2025-03-05", "2099-03-05", StringComparison.Ordinal),
            GoodRow,
            GoodRow.Replace("TH-43,4301", "TH-43,5001", StringComparison.Ordinal).Replace("AGE_12_14", "TEEN", StringComparison.Ordinal),
            "2025-03-05,TH-43",
            GoodRow.Replace("TH-43,4301", "TH-13,1301", StringComparison.Ordinal));

        var run = await ServerProcess.RunVerbAsync(["import-cases", file, "--org", "wvft"], database: database);

        Assert.True(run.ExitCode == 1, run.Output);
        Assert.Contains("line 2: column identified_on ", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("line 3:", run.Output, StringComparison.Ordinal);
        Assert.Contains("line 4: column district ", run.Output, StringComparison.Ordinal);
        Assert.Contains("(DISTRICT_NOT_IN_PROVINCE)", run.Output, StringComparison.Ordinal);
        Assert.Contains("line 4: column age_band ", run.Output, StringComparison.Ordinal);
        Assert.Contains("line 5: the row has 2 values; the header has 12.", run.Output, StringComparison.Ordinal);
        Assert.Contains("line 6: column province ", run.Output, StringComparison.Ordinal);
        Assert.Contains("(PROVINCE_NOT_ALLOWED)", run.Output, StringComparison.Ordinal);
        Assert.Contains("4 of 5 rows have problems", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Personal_data_in_a_row_is_reported_by_line_column_and_kind_and_never_printed()
    {
        var database = await TestDatabase.CopyAsync();
        var file = await WriteAsync(
            "pii.csv",
            Header,
            GoodRow,
            GoodRow.Replace(",LA,", ",081-234-5678,", StringComparison.Ordinal),
            GoodRow.Replace(",4301,", ",\"1 1017 00230 71 6\",", StringComparison.Ordinal),
            GoodRow.Replace(",FOLLOW_UP", ",somchai.k@example.org", StringComparison.Ordinal));
        var before = await CountAsync(database);

        var run = await ServerProcess.RunVerbAsync(["import-cases", file, "--org", "wvft"], database: database);

        Assert.True(run.ExitCode == 1, run.Output);
        Assert.Contains("line 3: column nationality holds what looks like a phone number", run.Output, StringComparison.Ordinal);
        Assert.Contains("line 4: column district holds what looks like a national id or id-like number", run.Output, StringComparison.Ordinal);
        Assert.Contains("line 5: column status holds what looks like an e-mail address", run.Output, StringComparison.Ordinal);
        Assert.Contains("(PII_NOT_ALLOWED)", run.Output, StringComparison.Ordinal);
        foreach (var secret in new[] { "081-234-5678", "0812345678", "1 1017 00230 71 6", "1101700230716", "somchai", "example.org" })
        {
            Assert.DoesNotContain(secret, run.Output, StringComparison.Ordinal);
        }

        Assert.Equal(before, await CountAsync(database));
    }

    [Fact]
    public async Task A_header_with_an_unknown_or_missing_column_is_refused_before_any_row()
    {
        var database = await TestDatabase.CopyAsync();
        var file = await WriteAsync("bad_header.csv", Header.Replace("nationality", "child_name", StringComparison.Ordinal), GoodRow);

        var run = await ServerProcess.RunVerbAsync(["import-cases", file, "--org", "wvft"], database: database);

        Assert.True(run.ExitCode == 1, run.Output);
        Assert.Contains("line 1 (the header)", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"column \d+ is not a case field", run.Output);
        Assert.DoesNotContain("child_name", run.Output, StringComparison.Ordinal);
        Assert.Contains("lacks nationality", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_column_is_named_by_the_field_it_was_meant_to_be_and_never_repeated()
    {
        var database = await TestDatabase.CopyAsync();
        var file = await WriteAsync("misspelt_header.csv", Header.Replace("nationality", "natonality", StringComparison.Ordinal), GoodRow);

        var run = await ServerProcess.RunVerbAsync(["import-cases", file, "--org", "wvft"], database: database);

        Assert.True(run.ExitCode == 1, run.Output);
        Assert.Contains("is not a case field (did you mean 'nationality'?)", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("natonality", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2, "--org", "wvft")]
    [InlineData(2, "SAMPLE")]
    [InlineData(1, "SAMPLE", "--org", "no-such-org")]
    [InlineData(2, "no-such-file.csv", "--org", "wvft")]
    public async Task Bad_arguments_are_refused_with_a_message_and_import_nothing(int exitCode, params string[] args)
    {
        var database = await TestDatabase.CopyAsync();
        var before = await CountAsync(database);

        var run = await ServerProcess.RunVerbAsync(["import-cases", .. args.Select(a => a == "SAMPLE" ? Sample : a)], database: database);

        Assert.True(run.ExitCode == exitCode, run.Output);
        Assert.False(string.IsNullOrWhiteSpace(run.Output));
        Assert.DoesNotContain("   at ", run.Output, StringComparison.Ordinal);
        Assert.Equal(before, await CountAsync(database));
    }

    private static async Task<string> WriteAsync(string name, params string[] lines)
    {
        var path = Path.Combine(TestDatabase.Folder, $"{Guid.NewGuid():N}-{name}");
        await File.WriteAllTextAsync(path, string.Join("\r\n", lines) + "\r\n");
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
