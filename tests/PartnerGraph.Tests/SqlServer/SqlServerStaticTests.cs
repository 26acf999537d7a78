using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Data;
using PartnerGraph.Identity;
using PartnerGraph.Tests.Infrastructure;
using PartnerGraph.Tests.Transport;

namespace PartnerGraph.Tests.SqlServer;

/// <summary>
/// No SQL Server engine runs here, so what it would be sent is proven statically: every migration's script, up and
/// down, and the SQL Server text of every command the server's real paths make (queries with their real values, every
/// kind of write of every table), parsed by Microsoft's T-SQL parser with no error, and checked for what SQL Server
/// refuses that the parser lets through.
/// </summary>
public sealed class SqlServerStaticTests
{
    [Fact]
    public void Every_migration_up_and_down_is_TSql_that_SQL_Server_accepts()
    {
        var (scripts, triggered) = MigrationScripts();
        Assert.True(scripts.Count >= 12, $"only {scripts.Count} scripts");
        var problems = scripts.SelectMany(s => TSqlChecks.Problems(s.Sql, 0, triggered).Select(p => $"{s.Source}: {p}")).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.Contains("CaseRecords", triggered);
    }

    [Fact]
    public async Task Every_command_the_server_makes_on_SQL_Server_is_TSql_that_SQL_Server_accepts()
    {
        var (_, triggered) = MigrationScripts();
        var capture = new SqlServerCapture();
        TwinQueryCompiler.Capture = capture;
        TwinQueryCompiler.Untranslated.Clear();
        try
        {
            await using var app = await PartnerGraphApp.StartAsync(services: TwinQueries.Install);
            await RunTheServersPathsAsync(app);
        }
        finally
        {
            TwinQueryCompiler.Capture = null;
        }

        CaptureEveryWrite(capture);
        var commands = capture.Commands.DistinctBy(c => c.Sql).ToList();
        Assert.True(commands.Count(c => c.Source == "runtime") >= 40, $"only {commands.Count(c => c.Source == "runtime")} distinct queries captured");
        Assert.Contains(commands, c => c.Sql.Contains("OPENJSON", StringComparison.Ordinal)); // the batch loaders' key lists
        Assert.Contains(commands, c => c.Sql.Contains("[CaseCounts]", StringComparison.Ordinal)); // statistics from the cubes
        Assert.Contains(commands, c => c.Sql.Contains("MERGE [CaseRecords]", StringComparison.Ordinal) || c.Sql.Contains("INSERT INTO [CaseRecords]", StringComparison.Ordinal));
        Assert.Empty(TwinQueryCompiler.Untranslated);
        var problems = commands.SelectMany(c => TSqlChecks.Problems(c.Sql, c.Parameters, triggered).Select(p => $"{c.Source}: {p}\n{c.Sql}\n")).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("SELECT [c].[ProvinceCode], COUNT(*) FROM [CaseRecords] AS [c] GROUP BY [c].[ProvinceCode], N'sex'", "Msg 164")]
    [InlineData("SELECT [x].[Id] FROM (SELECT [c].[Id] FROM [CaseRecords] AS [c] ORDER BY [c].[Id]) AS [x]", "syntax")]
    [InlineData("INSERT INTO [CaseRecords] ([ProvinceCode]) OUTPUT INSERTED.[Id] VALUES (@p0)", "Msg 334")]
    [InlineData("SELECT [c].[Id] FROM [CaseRecords] AS [c] WHERE c.Key = 1", "syntax")]
    [InlineData("SELECT 1 AS [aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]", "syntax")]
    public void The_checks_find_what_SQL_Server_refuses(string sql, string expected)
    {
        var problems = TSqlChecks.Problems(sql, 1, new HashSet<string>(["CaseRecords"], StringComparer.OrdinalIgnoreCase));
        Assert.Contains(problems, p => p.StartsWith(expected, StringComparison.Ordinal));
        Assert.Contains("Msg 8003", TSqlChecks.Problems("SELECT 1", 2101, new HashSet<string>()).Single(), StringComparison.Ordinal);
    }

    /// <summary>Each migration's script up from the one before it and down to it, and the tables given triggers.</summary>
    private static (List<CapturedCommand> Scripts, IReadOnlySet<string> Triggered) MigrationScripts()
    {
        using var db = new PartnerGraphDbContext(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.SqlServer, SqlServerCapture.NoServer));
        var migrator = db.GetService<IMigrator>();
        var migrations = db.Database.GetMigrations().ToList();
        var scripts = new List<CapturedCommand>();
        for (var i = 0; i < migrations.Count; i++)
        {
            var before = i == 0 ? Migration.InitialDatabase : migrations[i - 1];
            scripts.Add(new CapturedCommand($"{migrations[i]} up", migrator.GenerateScript(before, migrations[i]), 0));
            scripts.Add(new CapturedCommand($"{migrations[i]} down", migrator.GenerateScript(migrations[i], before), 0));
        }

        scripts.Add(new CapturedCommand("all, idempotent", migrator.GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent), 0));
        return (scripts, TSqlChecks.TriggeredTables(scripts.Select(s => TSqlChecks.Parse(s.Sql, out _))));
    }

    /// <summary>
    /// Inserts (one row, and several: EF Core's MERGE), updates and deletes of every table in the model: the shapes
    /// SaveChanges sends, whichever code asks for them.
    /// </summary>
    private static void CaptureEveryWrite(SqlServerCapture capture)
    {
        using var probe = capture.Open();
        foreach (var entity in probe.Model.GetEntityTypes().Where(e => !e.IsOwned() && e.FindPrimaryKey() is not null && !e.HasSharedClrType && e.GetTableName() is not null))
        {
            capture.Source.Value = $"write {entity.ShortName()}";
            Save(capture, entity, EntityState.Added, 1);
            Save(capture, entity, EntityState.Added, 3);
            Save(capture, entity, EntityState.Modified, 1);
            Save(capture, entity, EntityState.Deleted, 1);
        }

        capture.Source.Value = null;
    }

    private static void Save(SqlServerCapture capture, IEntityType entity, EntityState state, int rows)
    {
        using var db = capture.Open();
        for (var row = 1; row <= rows; row++)
        {
            var instance = RuntimeHelpers.GetUninitializedObject(entity.ClrType);
            var entry = db.Entry(instance);
            foreach (var property in entity.GetProperties().Where(p => !p.IsShadowProperty() && p.PropertyInfo is { CanWrite: true } || p.FieldInfo is not null))
            {
                if (property.IsKey() && state == EntityState.Added && property.ValueGenerated != ValueGenerated.Never)
                {
                    continue; // the database numbers it
                }

                entry.Property(property.Name).CurrentValue = Sample(property.ClrType, row);
            }

            foreach (var complex in entity.GetComplexProperties())
            {
                entry.ComplexProperty(complex.Name).CurrentValue = Activator.CreateInstance(complex.ClrType);
            }

            entry.State = state;
            if (state == EntityState.Modified)
            {
                foreach (var property in entry.Properties.Where(p => !p.Metadata.IsKey()))
                {
                    property.IsModified = true;
                }
            }
        }

        try
        {
            db.SaveChanges();
        }
        catch (DbUpdateException)
        {
            // the empty answer has none of the rows SaveChanges expects back: the command was captured before
        }
    }

    private static object? Sample(Type type, int row)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(string) ? $"s{row}"
            : t == typeof(long) ? (long)row
            : t == typeof(int) ? row
            : t == typeof(short) ? (short)row
            : t == typeof(bool) ? true
            : t == typeof(DateTime) ? new DateTime(2025, 1, row, 0, 0, 0, DateTimeKind.Utc)
            : t == typeof(DateOnly) ? new DateOnly(2025, 1, row)
            : t == typeof(DateTimeOffset) ? new DateTimeOffset(2025, 1, row, 0, 0, 0, TimeSpan.Zero)
            : t == typeof(Guid) ? Guid.NewGuid()
            : t == typeof(byte[]) ? new byte[] { 1 }
            : t.IsEnum ? Enum.GetValues(t).GetValue(0)
            : t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>) ? Activator.CreateInstance(t)
            : t.IsValueType ? Activator.CreateInstance(t)
            : null;
    }

    /// <summary>What partners, analysts and operators do: every kind of query, mutation, subscription replay, token and onboarding.</summary>
    private static async Task RunTheServersPathsAsync(PartnerGraphApp app)
    {
        var atd = await app.GraphQLAsync();
        var shelter = await app.GraphQLAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        foreach (var file in Directory.GetFiles(RepositoryRoot.File("schema", "operations"), "*.graphql"))
        {
            (await atd.PostAsync(await File.ReadAllTextAsync(file))).AssertNoErrors();
        }

        string[] dimensions = ["PROVINCE", "DISTRICT", "YEAR", "QUARTER", "MONTH", "AGE_BAND", "SEX", "NATIONALITY", "POPULATION_GROUP", "EXPLOITATION_TYPE", "VICTIM_STATUS", "IDENTIFICATION_SOURCE"];
        foreach (var dimension in dimensions)
        {
            (await atd.PostAsync($$"""{ caseStatistics(groupBy: [{{dimension}}]) { cells { count } total { count } } }""")).AssertNoErrors();
            (await atd.PostAsync($$"""{ caseStatistics(filter: { period: { from: "2024-02-01", to: "2024-11-30" }, provinces: ["50"] }, groupBy: [{{dimension}}, SEX]) { total { count } } }""")).AssertNoErrors();
        }

        (await atd.PostAsync("""{ caseStatistics(filter: { districts: ["5001"], sexes: [FEMALE], victimStatuses: [VICTIM] }, groupBy: [DISTRICT, AGE_BAND]) { total { count } } }""")).AssertNoErrors();
        (await atd.PostAsync("""{ coverageGaps(level: DISTRICT, period: { from: "2024-01-01", to: "2024-12-31" }) { rank gapScore } }""")).AssertNoErrors();
        (await atd.PostAsync("""{ referrals(first: 50) { totalCount nodes { id reference fromOrganisation { slug provinces { code } } toOrganisation { slug } history { status changedBy { slug } } } pageInfo { endCursor } } }""")).AssertNoErrors();
        (await atd.PostAsync("""{ referrals(last: 5, filter: { organisation: "wvft", status: [SUBMITTED] }) { nodes { reference } } }""")).AssertNoErrors();
        (await atd.PostAsync("""{ organisations(first: 50) { nodes { slug provinces { code } } } province(code: "TH-50") { code } programmes(first: 10) { nodes { code leadOrganisation { slug } partners { slug } } } }""")).AssertNoErrors();
        (await atd.PostAsync("""{ accessLog(first: 20) { totalCount nodes { at outcome } } }""")).AssertNoErrors();

        var (id, _) = await ReferralsFlow.CreateAsync(atd);
        (await atd.PostAsync("query($id: ID!) { node(id: $id) { ... on Referral { reference history { status } } } referral(id: $id) { status } }", new { id })).AssertNoErrors();
        await ReferralsFlow.MoveAsync(shelter, "acknowledgeReferral", id, 1);
        Assert.Equal("CONCURRENT_UPDATE", (await shelter.PostAsync("mutation($input: ReferralTransitionInput!) { acceptReferral(input: $input) { referral { version } } }", new { input = new { referralId = id, expectedVersion = 1 } })).FirstErrorCode);
        (await atd.PostAsync(
            "mutation($input: SubmitCoverageReportInput!) { submitCoverageReport(input: $input) { report { id } } }",
            new { input = new { programmeCode = "SHELTER-PROTECTION", district = "5001", year = 2017, quarter = 2, reached = new { activeVolunteers = 1 }, target = new { activeVolunteers = 2 } } })).AssertNoErrors();
        (await atd.PostAsync("mutation($input: RecordCaseInput!) { recordCase(input: $input) { recorded } }", new
        {
            input = new Dictionary<string, object?>
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
            }
        })).AssertNoErrors();

        // The outbox feed's replay for a subscriber that asks for the events after a sequence.
        var feed = app.Services.GetRequiredService<PartnerGraph.Data.Events.ReferralEventFeed>();
        var events = await feed.SubscribeAsync("atd", null, 1, _ => Task.CompletedTask, CancellationToken.None);
        var first = new TaskCompletionSource();
        using (events.Subscribe(new Observer(() => first.TrySetResult())))
        {
            await first.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        await using var scope = app.Services.CreateAsyncScope();
        var secret = await scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>().AddAsync("atd", "captured-client", [Scopes.ReferralsRead]);
        await app.TokenAsync("captured-client", secret);
        await scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>().DisableAsync("captured-client");
        await scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>().ListAsync();
    }

    private sealed class Observer(Action next) : IObserver<PartnerGraph.Domain.Referrals.ReferralStatusChange>
    {
        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(PartnerGraph.Domain.Referrals.ReferralStatusChange value) => next();
    }
}
