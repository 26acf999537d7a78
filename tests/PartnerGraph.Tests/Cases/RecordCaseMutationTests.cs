using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Cases;

/// <summary>recordCase through the real server: wvft's demo client holds cases.write; ATD's test client holds every scope.</summary>
public sealed partial class RecordCaseMutationTests(AppFixture server) : IClassFixture<AppFixture>
{
    private const string RecordCase = """
        mutation Record($input: RecordCaseInput!) {
          recordCase(input: $input) { recorded receipt }
        }
        """;

    private static Dictionary<string, object?> ValidInput() => new()
    {
        ["identifiedOn"] = "2025-06-30",
        ["province"] = "TH-63",
        ["district"] = "6306",
        ["ageBand"] = "AGE_12_14",
        ["sex"] = "FEMALE",
        ["nationality"] = "MM",
        ["populationGroup"] = "ACCOMPANYING_MIGRANT_WORKER",
        ["migrationStatus"] = "IRREGULAR_MIGRANT",
        ["exploitationType"] = "LABOUR",
        ["victimStatus"] = "VICTIM",
        ["identificationSource"] = "LABOUR_INSPECTION",
    };

    private Task<GraphQLClient> NgoAsync() => server.App.GraphQLAsync("demo-ngo-partner", "demo-secret-ngo-partner");

    [Fact]
    public async Task A_valid_case_is_recorded_for_the_callers_organisation_with_a_random_cell_key()
    {
        var client = await NgoAsync();
        var before = await CountAsync();

        var response = (await client.PostAsync(RecordCase, new { input = ValidInput() })).AssertNoErrors();

        Assert.True(response.Data!["recordCase"]!["recorded"]!.GetValue<bool>());
        Assert.Matches(Receipt(), response.Data!["recordCase"]!["receipt"]!.GetValue<string>());
        Assert.Equal(before + 1, await CountAsync());
        await using var db = await server.App.OpenDatabaseAsync();
        var record = await db.CaseRecords.OrderByDescending(c => c.Id).FirstAsync();
        Assert.Equal("wvft", record.RecordingOrganisationId);
        Assert.Equal(new DateOnly(2025, 6, 30), record.IdentifiedOn);
        Assert.Equal(("63", "6306"), (record.ProvinceCode, record.DistrictCode));
        Assert.Equal((AgeBand.Age12To14, Sex.Female, "MM"), (record.AgeBand, record.Sex, record.Nationality));
        Assert.Equal((PopulationGroup.AccompanyingMigrantWorker, MigrationStatus.IrregularMigrant), (record.PopulationGroup, record.MigrationStatus));
        Assert.Equal((ExploitationType.Labour, VictimStatus.Victim, IdentificationSource.LabourInspection), (record.ExploitationType, record.VictimStatus, record.IdentificationSource));
        Assert.Equal(CaseStatus.Active, record.Status);
        Assert.InRange(record.RecordedAt, DateTime.UtcNow.AddMinutes(-5), DateTime.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Receipts_are_random_and_lead_to_no_case()
    {
        var client = await NgoAsync();
        var first = (await client.PostAsync(RecordCase, new { input = ValidInput() })).AssertNoErrors().Data!["recordCase"]!["receipt"]!.GetValue<string>();
        var second = (await client.PostAsync(RecordCase, new { input = ValidInput() })).AssertNoErrors().Data!["recordCase"]!["receipt"]!.GetValue<string>();

        Assert.NotEqual(first, second);
        var lookup = await client.PostAsync("query($id: ID!) { node(id: $id) { __typename } }", new { id = first });
        Assert.True(lookup.Data?["node"] is null, lookup.Body.ToJsonString());
    }

    [Fact]
    public async Task A_government_organisation_records_in_a_province_outside_its_operating_area()
    {
        var input = ValidInput();
        input["province"] = "TH-13";
        input["district"] = "1301";
        var before = await CountAsync();

        (await server.Client.PostAsync(RecordCase, new { input })).AssertNoErrors();

        Assert.Equal(before + 1, await CountAsync());
    }

    [Theory]
    [InlineData("identifiedOn", "2099-01-01", "INVALID_CASE")]
    [InlineData("identifiedOn", "1999-12-31", "INVALID_CASE")]
    [InlineData("province", "TH-5X", "INVALID_PROVINCE_CODE")]
    [InlineData("province", "TH-99", "UNKNOWN_PROVINCE")]
    [InlineData("province", "TH-13", "PROVINCE_NOT_ALLOWED")]
    [InlineData("district", "9999", "UNKNOWN_DISTRICT")]
    [InlineData("district", "5001", "DISTRICT_NOT_IN_PROVINCE")]
    [InlineData("nationality", "XX", "INVALID_CASE")]
    [InlineData("nationality", "Myanmar", "INVALID_CASE")]
    public async Task Each_bad_input_is_refused_with_its_code_and_writes_nothing(string field, string value, string code)
    {
        var client = await NgoAsync();
        var input = ValidInput();
        input[field] = value;
        var before = await CountAsync();

        var response = await client.PostAsync(RecordCase, new { input });

        Assert.True(response.Data?["recordCase"] is null, response.Body.ToJsonString());
        var error = Assert.Single(response.Errors!)!;
        Assert.Equal(code, error["extensions"]!["code"]!.GetValue<string>());
        Assert.StartsWith(field + " ", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("recordCase", error["path"]![0]!.GetValue<string>());
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Every_problem_of_the_input_is_reported_each_with_its_code()
    {
        var client = await NgoAsync();
        var input = ValidInput();
        input["identifiedOn"] = "2099-01-01";
        input["province"] = "TH-99";
        var before = await CountAsync();

        var response = await client.PostAsync(RecordCase, new { input });

        Assert.Equal(["INVALID_CASE", "UNKNOWN_PROVINCE"], response.Errors!.Select(e => e!["extensions"]!["code"]!.GetValue<string>()));
        Assert.Equal(["identifiedOn", "province"], response.Errors!.Select(e => e!["message"]!.GetValue<string>().Split(' ')[0]));
        Assert.All(response.Errors!, e => Assert.Equal("recordCase", e!["path"]![0]!.GetValue<string>()));
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task Personal_data_is_refused_before_anything_runs_naming_every_field_that_holds_some()
    {
        var client = await NgoAsync();
        var input = ValidInput();
        input["identifiedOn"] = "2099-01-01";
        input["nationality"] = "0812345678";
        input["district"] = "somchai@example.org";
        var before = await CountAsync();

        var response = await client.PostAsync(RecordCase, new { input });

        Assert.Null(response.Data);
        Assert.Equal(["PII_NOT_ALLOWED", "PII_NOT_ALLOWED"], response.Errors!.Select(e => e!["extensions"]!["code"]!.GetValue<string>()));
        Assert.Equal(["$input.district", "$input.nationality"], response.Errors!.Select(e => e!["extensions"]!["field"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(["EMAIL_ADDRESS", "PHONE_NUMBER"], response.Errors!.Select(e => e!["extensions"]!["kind"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task A_value_outside_an_enum_is_refused_by_GraphQL_and_writes_nothing()
    {
        var client = await NgoAsync();
        var input = ValidInput();
        input["ageBand"] = "AGE_12_15";
        var before = await CountAsync();

        var response = await client.PostAsync(RecordCase, new { input });

        Assert.NotNull(response.FirstErrorCode);
        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task A_client_without_cases_write_cannot_see_record_case()
    {
        var analyst = await server.App.GraphQLAsync("demo-government-analyst", "demo-secret-government-analyst");
        var narrowed = await server.App.GraphQLAsync("demo-ngo-partner", "demo-secret-ngo-partner", scope: "statistics.read referrals.read");
        var before = await CountAsync();

        foreach (var client in new[] { analyst, narrowed })
        {
            var response = await client.PostAsync(RecordCase, new { input = ValidInput() });
            Assert.True(response.Data is null, response.Body.ToJsonString());
            Assert.NotNull(response.FirstErrorCode);
            var types = await client.PostAsync("{ __schema { mutationType { name } types { name } } }");
            Assert.DoesNotContain("RecordCase", types.Body.ToJsonString(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await CountAsync());
    }

    [Fact]
    public async Task The_access_log_records_the_mutation_on_the_cases_dataset()
    {
        var client = await NgoAsync();
        (await client.PostAsync(RecordCase, new { input = ValidInput() })).AssertNoErrors();

        await using var db = await server.App.OpenDatabaseAsync();
        var entry = await db.AccessLog.OrderByDescending(e => e.Id).FirstAsync();
        Assert.Equal(("wvft", "mutation", "Record", "cases"), (entry.OrganisationId, entry.OperationType, entry.OperationName, entry.Datasets));
    }

    private async Task<int> CountAsync()
    {
        await using var db = await server.App.OpenDatabaseAsync();
        return await db.CaseRecords.CountAsync();
    }

    [GeneratedRegex("^CASE-[0-9a-f]{24}$")]
    private static partial Regex Receipt();
}

/// <summary>
/// Personal data sent by mistake is refused, and appears nowhere afterwards: not in the response, the access log, or
/// any log line the server writes at its most verbose.
/// </summary>
public sealed class RecordCasePersonalDataTests
{
    public static TheoryData<string, string, string> Leaks => new()
    {
        { "nationality", "081-234-5678", "a phone number" },
        { "nationality", "1101700230716", "a national id or id-like number" },
        { "district", "+66 81 234 5678", "a phone number" },
        { "province", "somchai.k@example.org", "an e-mail address" },
        { "district", "1-1017-00230-71-6", "a national id or id-like number" },
    };

    [Theory]
    [MemberData(nameof(Leaks))]
    public async Task Personal_data_in_a_string_field_is_refused_and_appears_in_no_response_access_log_or_log_line(string field, string value, string kind)
    {
        var logs = new CapturedLogs();
        await using var app = await PartnerGraphApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Trace",
        });
        await using var logged = app.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        var http = logged.CreateClient();
        var token = await (await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "demo-ngo-partner",
            ["client_secret"] = "demo-secret-ngo-partner",
        }))).Content.ReadFromJsonAsync<JsonObject>();
        var client = new GraphQLClient(http, token!["access_token"]!.GetValue<string>());
        var input = new Dictionary<string, object?>
        {
            ["identifiedOn"] = "2025-06-30",
            ["province"] = "TH-50",
            ["district"] = "5001",
            ["ageBand"] = "AGE_15_17",
            ["sex"] = "MALE",
            ["nationality"] = "TH",
            ["populationGroup"] = "RURAL",
            ["migrationStatus"] = "NOT_MIGRANT",
            ["exploitationType"] = "SEXUAL",
            ["victimStatus"] = "AT_RISK",
            ["identificationSource"] = "SCHOOL",
            [field] = value,
        };
        int before;
        await using (var db = await app.OpenDatabaseAsync())
        {
            before = await db.CaseRecords.CountAsync();
        }

        var response = await client.PostAsync("mutation($input: RecordCaseInput!) { recordCase(input: $input) { recorded } }", new { input });

        Assert.Equal("PII_NOT_ALLOWED", response.FirstErrorCode);
        var message = response.Errors![0]!["message"]!.GetValue<string>();
        Assert.StartsWith("$input." + field + " holds what looks like " + kind, message, StringComparison.Ordinal);

        var digits = new string(value.Where(char.IsAsciiDigit).ToArray());
        var secrets = new[] { value, JsonSerializer.Serialize(value).Trim('"'), digits.Length > 0 ? digits : value };
        await using (var db = await app.OpenDatabaseAsync())
        {
            Assert.Equal(before, await db.CaseRecords.CountAsync());
            var accessLog = JsonSerializer.Serialize(await db.AccessLog.ToListAsync());
            Assert.Contains("PII_NOT_ALLOWED", accessLog, StringComparison.Ordinal);
            AssertNowhere(secrets, response.Body.ToJsonString(), "the response");
            AssertNowhere(secrets, accessLog, "the access log");
        }

        Assert.NotEmpty(logs.Lines);
        AssertNowhere(secrets, string.Join('\n', logs.Lines), "the server's logs");
    }

    private static void AssertNowhere(string[] secrets, string text, string where)
    {
        foreach (var secret in secrets)
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"'{secret}' appears in {where}");
        }
    }

    /// <summary>Every log line the server writes, formatted with its exception.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturedLogs logs, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Lines.Enqueue($"{category} {logLevel} {formatter(state, exception)} {state} {exception}");
        }
    }
}
