using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Data;
using PartnerGraph.Domain.Audit;

namespace PartnerGraph.Tests.Data;

/// <summary>
/// The process's writers of one SQLite file take turns at the gate, and every way a write transaction can end gives
/// the gate back: a gate kept by mistake would stop every later write of the instance.
/// </summary>
public sealed class SqliteWriteGateTests
{
    [Fact]
    public async Task A_second_writer_waits_for_the_first_and_writes_the_moment_it_commits()
    {
        await using var database = await TemporarySqliteDatabase.CreateAsync();
        var gate = new SqliteWriteGate(database.ConnectionString);
        await using var first = database.Open();
        await using (var transaction = await first.Database.BeginTransactionAsync())
        {
            first.AccessLog.Add(Entry());
            await first.SaveChangesAsync();
            Assert.True(gate.IsHeld);

            await using var second = database.Open();
            second.AccessLog.Add(Entry());
            var waiting = second.SaveChangesAsync();
            await Task.Delay(300);
            Assert.False(waiting.IsCompleted);

            await transaction.CommitAsync();
            await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.False(gate.IsHeld);
        await using var check = database.Open();
        Assert.Equal(2, await check.AccessLog.CountAsync());
    }

    [Fact]
    public async Task A_writer_waits_while_another_process_has_the_writers_turn_and_writes_when_it_lets_go()
    {
        await using var database = await TemporarySqliteDatabase.CreateAsync();
        var file = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        var marker = file + "-other-has-the-turn";

        // Another process holds the writers' lock file for 1.5 s (util-linux flock keeps it while its command runs).
        using var other = Process.Start(new ProcessStartInfo("flock", [file + "-writer", "sh", "-c", $"touch '{marker}'; sleep 1.5"]))!;
        while (!File.Exists(marker))
        {
            await Task.Delay(10);
        }

        var waited = Stopwatch.StartNew();
        await using (var db = database.Open())
        {
            db.AccessLog.Add(Entry());
            await db.SaveChangesAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.True(waited.Elapsed > TimeSpan.FromSeconds(1), $"wrote after {waited.Elapsed.TotalMilliseconds:F0} ms, while the other process had the turn");
        Assert.False(new SqliteWriteGate(database.ConnectionString).IsHeld);
        await other.WaitForExitAsync();
        File.Delete(marker);
    }

    /// <summary>
    /// SQLite itself waits for another writer's lock (a statement outside the gate, another program) on every connection
    /// the pool hands out, new or used again, rather than answering busy and leaving it to Microsoft.Data.Sqlite's 150 ms sleeps.
    /// </summary>
    [Fact]
    public async Task Every_connection_has_SQLites_busy_timeout_set()
    {
        await using var database = await TemporarySqliteDatabase.CreateAsync();
        for (var i = 0; i < 3; i++)
        {
            await using var db = database.Open();
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA busy_timeout;";
            Assert.Equal((long)SqliteBusyTimeout.Milliseconds, await command.ExecuteScalarAsync());
        }
    }

    [Fact]
    public async Task Writers_of_another_file_do_not_wait_for_this_one()
    {
        await using var one = await TemporarySqliteDatabase.CreateAsync();
        await using var other = await TemporarySqliteDatabase.CreateAsync();
        await using var holder = one.Open();
        await using var transaction = await holder.Database.BeginTransactionAsync();

        await using var db = other.Open();
        db.AccessLog.Add(Entry());
        await db.SaveChangesAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(new SqliteWriteGate(one.ConnectionString).IsHeld);
        Assert.False(new SqliteWriteGate(other.ConnectionString).IsHeld);
    }

    public static TheoryData<string> Endings => ["commit", "rollback", "disposed unfinished", "disposed unfinished on a connection opened by hand", "SaveChanges failed", "BEGIN failed"];

    [Theory]
    [MemberData(nameof(Endings))]
    public async Task Every_end_of_a_write_transaction_gives_the_gate_back(string ending)
    {
        await using var database = await TemporarySqliteDatabase.CreateAsync();
        var gate = new SqliteWriteGate(database.ConnectionString);
        await using (var db = database.Open())
        {
            switch (ending)
            {
                case "commit":
                    await using (var transaction = await db.Database.BeginTransactionAsync())
                    {
                        await transaction.CommitAsync();
                    }

                    break;
                case "rollback":
                    await using (var transaction = await db.Database.BeginTransactionAsync())
                    {
                        await transaction.RollbackAsync();
                    }

                    break;
                case "disposed unfinished":
                    await using (await db.Database.BeginTransactionAsync())
                    {
                        db.AccessLog.Add(Entry());
                        await db.SaveChangesAsync();
                    }

                    break;
                case "disposed unfinished on a connection opened by hand":
                    await db.Database.OpenConnectionAsync();
                    await using (await db.Database.BeginTransactionAsync())
                    {
                        Assert.True(gate.IsHeld);
                    }

                    Assert.False(gate.IsHeld); // given back by the transaction's disposal, with the connection still open
                    await db.Database.CloseConnectionAsync();
                    break;
                case "SaveChanges failed":
                    db.AccessLog.Add(Entry(id: 7));
                    await db.SaveChangesAsync();
                    await using (var again = database.Open())
                    {
                        again.AccessLog.Add(Entry(id: 7));
                        await Assert.ThrowsAsync<DbUpdateException>(() => again.SaveChangesAsync());
                    }

                    break;
                case "BEGIN failed":
                    // A transaction EF Core does not know of: its BEGIN is refused by SQLite.
                    await db.Database.OpenConnectionAsync();
                    await db.Database.ExecuteSqlRawAsync("BEGIN");
                    await Assert.ThrowsAsync<SqliteException>(() => db.Database.BeginTransactionAsync());
                    Assert.False(gate.IsHeld);
                    await db.Database.ExecuteSqlRawAsync("ROLLBACK");
                    await db.Database.CloseConnectionAsync();
                    break;
            }
        }

        Assert.False(gate.IsHeld);
        await using var next = database.Open();
        next.AccessLog.Add(Entry());
        await next.SaveChangesAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_pooled_context_returned_with_its_transaction_left_open_gives_the_gate_back()
    {
        await using var database = await TemporarySqliteDatabase.CreateAsync();
        await using var services = new ServiceCollection()
            .AddPooledDbContextFactory<PartnerGraphDbContext>(options => DataServiceCollectionExtensions.Configure(options, DatabaseProvider.Sqlite, database.ConnectionString))
            .BuildServiceProvider();
        var factory = services.GetRequiredService<IDbContextFactory<PartnerGraphDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            // Its user opens the connection and a transaction and ends neither: the pool resets the context.
            await db.Database.OpenConnectionAsync();
            await db.Database.BeginTransactionAsync();
            db.AccessLog.Add(Entry());
            await db.SaveChangesAsync();
        }

        Assert.False(new SqliteWriteGate(database.ConnectionString).IsHeld);
        await using var next = await factory.CreateDbContextAsync();
        next.AccessLog.Add(Entry());
        await next.SaveChangesAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, await next.AccessLog.CountAsync());
    }

    [Fact]
    public async Task Writers_waiting_for_their_turn_hold_no_thread_and_all_write_when_it_comes()
    {
        await using var database = await TemporarySqliteDatabase.CreateAsync();
        await using var holder = database.Open();
        var transaction = await holder.Database.BeginTransactionAsync();

        // Forty writers start while the turn is taken. Waiting in SQLite's busy handler instead, the first of them would
        // hold this thread until the busy timeout.
        var starting = Stopwatch.StartNew();
        var writers = Enumerable.Range(0, 40).Select(async _ =>
        {
            await using var db = database.Open();
            db.AccessLog.Add(Entry());
            await db.SaveChangesAsync();
        }).ToList();
        Assert.True(starting.Elapsed < TimeSpan.FromSeconds(5), $"starting the writers took {starting.Elapsed.TotalMilliseconds:F0} ms");
        Assert.DoesNotContain(writers, w => w.IsCompleted);

        await transaction.CommitAsync();
        await transaction.DisposeAsync();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));

        await using var check = database.Open();
        Assert.Equal(40, await check.AccessLog.CountAsync());
        Assert.False(new SqliteWriteGate(database.ConnectionString).IsHeld);
    }

    private static AccessLogEntry Entry(long id = 0) => new() { Id = id, At = DateTime.UtcNow, DurationMs = 1, Outcome = AccessOutcome.Allowed };
}
