using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Data;
using PartnerGraph.Data.Demo;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Identity;
using PartnerGraph.Tests.Infrastructure;
using PartnerGraph.Tests.Transport;

namespace PartnerGraph.Tests.SqlServer;

/// <summary>
/// The database-backed behaviour on a live SQL Server (PARTNERGRAPH_TEST_SQLSERVER), each test on a database of its
/// own that it drops: what no static proof can show.
/// </summary>
public sealed class LiveSqlServerTests
{
    [SqlServerFact]
    public async Task Migrations_go_up_and_down_and_up_again_and_leave_the_model_applied()
    {
        await using var database = await LiveSqlServerDatabase.CreateAsync();
        await using var db = database.Open();
        await DatabaseInitializer.MigrateAsync(db);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(77, await db.Provinces.CountAsync());

        await db.GetService<IMigrator>().MigrateAsync(Migration.InitialDatabase);
        Assert.Equal(db.Database.GetMigrations().Count(), (await db.Database.GetPendingMigrationsAsync()).Count());
        await DatabaseInitializer.MigrateAsync(db);
        Assert.Equal(928, await db.Districts.CountAsync());
    }

    [SqlServerFact]
    public async Task Imported_and_recorded_cases_are_counted_by_every_cube_exactly_as_the_case_records_say()
    {
        await using var database = await LiveSqlServerDatabase.CreateAsync();
        await using var db = database.Open();
        await DatabaseInitializer.MigrateAsync(db);
        await DemoData.SeedAsync(db, TestDatabase.Demo with { Referrals = 50 });

        Assert.Equal(12_001, await CaseRecordBulkWriter.WriteAsync(db, () => SqlBulkCopyTests.Cases(12_001)));
        Assert.Equal(TestDatabase.Demo.CaseRecords + 12_001, await db.CaseRecords.CountAsync());
        foreach (var cube in CaseCubes.All)
        {
            var byProvince = await db.CaseCounts.Where(c => c.Cube == cube.Name).GroupBy(c => c.ProvinceCode).Select(g => new { g.Key, Count = g.Sum(c => c.Count) }).ToDictionaryAsync(g => g.Key, g => g.Count);
            var truth = await db.CaseRecords.GroupBy(c => c.ProvinceCode).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
            Assert.Equal(truth.OrderBy(p => p.Key), byProvince.Where(p => p.Value != 0).OrderBy(p => p.Key));
        }
    }

    [SqlServerFact]
    public async Task The_server_on_SQL_Server_serves_queries_mutations_under_concurrency_and_subscriptions_in_sequence()
    {
        await using var database = await LiveSqlServerDatabase.CreateAsync();
        await using var app = await PartnerGraphApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Database:Provider"] = "SqlServer",
            ["ConnectionStrings:PartnerGraph"] = database.ConnectionString,
            ["Demo:Seed"] = "true",
        });
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var registry = scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>();
            await registry.AddAsync("atd", TestDatabase.AllScopesClient, Scopes.All.ToList(), TestDatabase.AllScopesSecret);
            await registry.AddAsync(TestDatabase.ShelterOrganisation, TestDatabase.ShelterClient, Scopes.All.ToList(), TestDatabase.ShelterSecret);
        }

        var sender = await app.GraphQLAsync();
        var receiver = await app.GraphQLAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        foreach (var file in Directory.GetFiles(RepositoryRoot.File("schema", "operations"), "*.graphql"))
        {
            (await sender.PostAsync(await File.ReadAllTextAsync(file))).AssertNoErrors();
        }

        var feed = app.Services.GetRequiredService<PartnerGraph.Data.Events.ReferralEventFeed>();
        var seen = new ConcurrentQueue<long>();
        using var subscription = (await feed.SubscribeAsync("atd", null, null, _ => Task.CompletedTask, CancellationToken.None)).Subscribe(new Collect(seen));

        // Ten referrals at once, then the same move at the same version twice at once on each: one wins, one conflicts.
        var created = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => ReferralsFlow.CreateAsync(sender)));
        foreach (var (id, _) in created)
        {
            await ReferralsFlow.MoveAsync(receiver, "acknowledgeReferral", id, 1);
            var both = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => receiver.PostAsync(
                "mutation($input: ReferralTransitionInput!) { acceptReferral(input: $input) { referral { version } } }", new { input = new { referralId = id, expectedVersion = 2 } })));
            Assert.Equal(["CONCURRENT_UPDATE", null], both.Select(r => r.FirstErrorCode).OrderBy(c => c is null));
        }

        for (var i = 0; i < 300 && seen.Count < 30; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(30, seen.Count);
        Assert.Equal(seen.Order(), seen);
    }

    private sealed class Collect(ConcurrentQueue<long> seen) : IObserver<PartnerGraph.Domain.Referrals.ReferralStatusChange>
    {
        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void OnNext(PartnerGraph.Domain.Referrals.ReferralStatusChange value) => seen.Enqueue(value.Sequence);
    }
}
