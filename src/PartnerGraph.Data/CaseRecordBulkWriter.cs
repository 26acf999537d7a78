using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using PartnerGraph.Domain.Cases;

namespace PartnerGraph.Data;

/// <summary>
/// Writes many case records in one transaction: all of them or none. On SQLite one prepared INSERT is reused for
/// every row, with the cube trigger lifted inside the transaction and the cubes counted set-wise per batch instead
/// (a million rows in well under a minute); on SQL Server SqlBulkCopy streams them in batches, firing the trigger that
/// keeps the cubes; on any other provider EF Core adds them in chunks. Each runs as one unit of work in the provider's
/// execution strategy: a retry starts over from the first record.
/// </summary>
public static class CaseRecordBulkWriter
{
    /// <summary>Rows per SqlBulkCopy batch and per EF Core chunk: one round trip (and one firing of the cube trigger) each.</summary>
    public const int ChunkSize = 5_000;

    /// <summary>
    /// SqlBulkCopy skips triggers and constraints unless told: the trigger keeps the cubes, the constraints keep the
    /// foreign keys to organisations and geography.
    /// </summary>
    public const SqlBulkCopyOptions BulkCopyOptions = SqlBulkCopyOptions.FireTriggers | SqlBulkCopyOptions.CheckConstraints;

    private const int ProgressEvery = 10_000;

    /// <summary>New rows counted into the cubes at once on SQLite: the batch's pages are still in the cache when its GROUP BYs read them.</summary>
    internal const int CubeBatch = 100_000;

    /// <summary>SQLite's page cache during an import, in KiB (negative: a size, not a page count).</summary>
    private const int LargeCacheKib = -131_072;

    /// <summary>
    /// Writes the records <paramref name="records"/> yields, reporting the count written so far. The sequence is read
    /// again from its start if a retrying provider starts the transaction over, and whatever it throws rolls all back.
    /// </summary>
    public static Task<long> WriteAsync(PartnerGraphDbContext db, Func<IEnumerable<CaseRecord>> records, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(records);
        return db.Database.IsSqlite() ? WithPreparedCommandAsync(db, records, progress, cancellationToken)
            : db.Database.IsSqlServer() ? db.InTransactionAsync(ct => WithBulkCopyAsync(db, records(), progress, ct), cancellationToken)
            : WriteThroughEntityFrameworkAsync(db, records, progress, cancellationToken);
    }

    /// <summary>The provider-neutral way, in chunks of EF Core inserts: what every provider but SQLite and SQL Server uses.</summary>
    public static Task<long> WriteThroughEntityFrameworkAsync(PartnerGraphDbContext db, Func<IEnumerable<CaseRecord>> records, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(records);
        return db.InTransactionAsync(ct => InChunksAsync(db, records(), progress, ct), cancellationToken);
    }

    /// <summary>
    /// The records as DataTables of at most <paramref name="size"/> rows, one column per stored column of the table
    /// (named as in the database, holding what EF Core would write: enums by name, UTC times, dates as dates): what
    /// SqlBulkCopy sends, batch by batch, without holding more than one batch in memory.
    /// </summary>
    public static IEnumerable<DataTable> BulkCopyBatches(PartnerGraphDbContext db, IEnumerable<CaseRecord> records, int size = ChunkSize)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(records);
        var columns = StoredColumns.Of(db);
        var table = columns.NewTable();
        foreach (var record in records)
        {
            table.Rows.Add(columns.BulkValues(record));
            if (table.Rows.Count == size)
            {
                yield return table;
                table = columns.NewTable();
            }
        }

        if (table.Rows.Count > 0)
        {
            yield return table;
        }
    }

    /// <summary>A SqlBulkCopy into the case records' table, each stored column mapped by name, on the unit of work's transaction.</summary>
    public static SqlBulkCopy NewBulkCopy(PartnerGraphDbContext db, SqlConnection connection, SqlTransaction? transaction)
    {
        ArgumentNullException.ThrowIfNull(db);
        var columns = StoredColumns.Of(db);
        var bulk = new SqlBulkCopy(connection, BulkCopyOptions, transaction)
        {
            DestinationTableName = columns.QuotedTable,
            BatchSize = ChunkSize,
            BulkCopyTimeout = 0, // a million rows take longer than a command's 30 s; the unit of work decides when to stop
        };
        foreach (var name in columns.Names)
        {
            bulk.ColumnMappings.Add(name, name);
        }

        return bulk;
    }

    private static async Task<long> WithBulkCopyAsync(PartnerGraphDbContext db, IEnumerable<CaseRecord> records, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var transaction = (SqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
        using var bulk = NewBulkCopy(db, (SqlConnection)db.Database.GetDbConnection(), transaction);
        long written = 0;
        foreach (var batch in BulkCopyBatches(db, records))
        {
            await bulk.WriteToServerAsync(batch, cancellationToken);
            written += batch.Rows.Count;
            progress?.Report(written);
        }

        return written;
    }

    /// <summary>
    /// Writes the records in the caller's transaction on SQLite (the demo seed's): the same path as <see cref="WriteAsync"/>
    /// takes for an import, prepared inserts with the cube trigger lifted and the cubes counted set-wise. Each record
    /// gets its database id, as SaveChanges would give it.
    /// </summary>
    public static Task<long> WriteInTransactionAsync(PartnerGraphDbContext db, IEnumerable<CaseRecord> records, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(records);
        return !db.Database.IsSqlite() ? throw new NotSupportedException("WriteInTransactionAsync is SQLite's.")
            : db.Database.CurrentTransaction is null ? throw new InvalidOperationException("WriteInTransactionAsync needs the caller's transaction.")
            : Task.FromResult(InsertEach(db, records, CubeBatch, progress, cancellationToken));
    }

    /// <summary>
    /// SQLite's page cache and temporary store for a bulk write, given back when disposed: a 128 MiB cache (the four
    /// indexes of a million new rows thrash the default 2 MiB one) and sorting for GROUP BY in memory. The connection
    /// stays open until then, so that the settings hold for the writes.
    /// </summary>
    public static async Task<IAsyncDisposable> TuneSqliteAsync(PartnerGraphDbContext db, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.OpenConnectionAsync(cancellationToken);
        var cacheSize = await PragmaAsync(db, "PRAGMA cache_size", cancellationToken);
        var tempStore = await PragmaAsync(db, "PRAGMA temp_store", cancellationToken);
        await PragmaAsync(db, string.Create(CultureInfo.InvariantCulture, $"PRAGMA cache_size = {LargeCacheKib}"), cancellationToken);
        await PragmaAsync(db, "PRAGMA temp_store = MEMORY", cancellationToken);
        return new Restore(async () =>
        {
            await PragmaAsync(db, string.Create(CultureInfo.InvariantCulture, $"PRAGMA temp_store = {tempStore}"), CancellationToken.None);
            await PragmaAsync(db, string.Create(CultureInfo.InvariantCulture, $"PRAGMA cache_size = {cacheSize}"), CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        });
    }

    private static async Task<long> WithPreparedCommandAsync(PartnerGraphDbContext db, Func<IEnumerable<CaseRecord>> records, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await using (await TuneSqliteAsync(db, cancellationToken))
        {
            return await db.InTransactionAsync(ct => Task.FromResult(InsertEach(db, records(), CubeBatch, progress, ct)), cancellationToken);
        }
    }

    /// <summary>
    /// In the current transaction: lifts the cube insert trigger (seven upserts a row, most of an import's time), inserts
    /// each record with one prepared statement, counts each <paramref name="cubeBatch"/> new rows into the cubes with one
    /// GROUP BY per cube, and puts the trigger back as it was, all before the caller commits. SQLite's DDL is
    /// transactional: no other connection ever sees the table without its trigger, and a rollback (an error, a bad row,
    /// a killed process) leaves trigger, records and cubes as they were. A schema without the trigger keeps no cubes,
    /// and none are counted.
    /// </summary>
    internal static long InsertEach(PartnerGraphDbContext db, IEnumerable<CaseRecord> records, int cubeBatch, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        var transaction = (SqliteTransaction)db.Database.CurrentTransaction!.GetDbTransaction();
        // A schema without the trigger (EnsureCreated, no migrations) keeps no cubes: then neither does this.
        var trigger = Scalar(connection, transaction, $"SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = '{SqliteCaseCubes.InsertTrigger}'") as string;
        if (trigger is not null)
        {
            Scalar(connection, transaction, $"DROP TRIGGER \"{SqliteCaseCubes.InsertTrigger}\"");
        }

        var last = Convert.ToInt64(Scalar(connection, transaction, "SELECT COALESCE(MAX(\"Id\"), 0) FROM \"CaseRecords\""), CultureInfo.InvariantCulture);

        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var columns = InsertColumns.Of(db, command);
        command.Prepare();
        var cubes = trigger is null ? [] : SqliteCaseCubes.AddRange.Select(sql => Prepared(connection, transaction, sql)).ToList();
        try
        {
            var counted = last;
            long written = 0;
            foreach (var record in records)
            {
                columns.Bind(record);
                command.ExecuteNonQuery();
                last = SQLitePCL.raw.sqlite3_last_insert_rowid(connection.Handle);
                InsertColumns.SetId(record, last);
                if (++written % cubeBatch == 0)
                {
                    Count(cubes, counted, last);
                    counted = last;
                }

                if (written % ProgressEvery == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    progress?.Report(written);
                }
            }

            Count(cubes, counted, last);
            if (trigger is not null)
            {
                Scalar(connection, transaction, trigger);
            }

            progress?.Report(written);
            return written;
        }
        finally
        {
            cubes.ForEach(c => c.Dispose());
        }
    }

    /// <summary>Adds the records with ids in (from, to] to every cube.</summary>
    private static void Count(List<SqliteCommand> cubes, long from, long to)
    {
        if (to <= from)
        {
            return;
        }

        foreach (var cube in cubes)
        {
            cube.Parameters[SqliteCaseCubes.From].Value = from;
            cube.Parameters[SqliteCaseCubes.To].Value = to;
            cube.ExecuteNonQuery();
        }
    }

    private static SqliteCommand Prepared(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.Add(SqliteCaseCubes.From, SqliteType.Integer);
        command.Parameters.Add(SqliteCaseCubes.To, SqliteType.Integer);
        command.Prepare();
        return command;
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static async Task<long> PragmaAsync(PartnerGraphDbContext db, string pragma, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = pragma;
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken) ?? 0L, CultureInfo.InvariantCulture);
    }

    private static async Task<long> InChunksAsync(PartnerGraphDbContext db, IEnumerable<CaseRecord> records, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var autoDetectChanges = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var chunk = new List<CaseRecord>(ChunkSize);
            long written = 0;
            foreach (var record in records)
            {
                chunk.Add(record);
                if (chunk.Count == ChunkSize)
                {
                    written += await SaveAsync(db, chunk, cancellationToken);
                    progress?.Report(written);
                }
            }

            written += await SaveAsync(db, chunk, cancellationToken);
            progress?.Report(written);
            return written;
        }
        finally
        {
            db.ChangeTracker.Clear();
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetectChanges;
        }
    }

    private static async Task<int> SaveAsync(PartnerGraphDbContext db, List<CaseRecord> chunk, CancellationToken cancellationToken)
    {
        db.CaseRecords.AddRange(chunk);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        var count = chunk.Count;
        chunk.Clear();
        return count;
    }

    /// <summary>
    /// The case records' stored columns, read from the EF model: table, column names and each column's value
    /// conversion (enums by name, UTC times) are exactly what EF Core itself would write.
    /// </summary>
    private sealed class StoredColumns
    {
        private StoredColumns(string quotedTable, IReadOnlyList<(string Name, IClrPropertyGetter Getter, RelationalTypeMapping Mapping, bool Nullable)> columns)
        {
            QuotedTable = quotedTable;
            Columns = columns;
        }

        public string QuotedTable { get; }

        public IReadOnlyList<(string Name, IClrPropertyGetter Getter, RelationalTypeMapping Mapping, bool Nullable)> Columns { get; }

        public IEnumerable<string> Names => Columns.Select(c => c.Name);

        public static StoredColumns Of(PartnerGraphDbContext db)
        {
            var entity = db.Model.FindEntityType(typeof(CaseRecord)) ?? throw new InvalidOperationException("CaseRecord is not in the model.");
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var sql = db.GetService<ISqlGenerationHelper>();
            var columns = entity.GetProperties()
                .Where(p => p.ValueGenerated == ValueGenerated.Never)
                .Select(p => (p.GetColumnName(table)!, p.GetGetter(), p.GetRelationalTypeMapping(), p.IsNullable))
                .ToList();
            return new StoredColumns(sql.DelimitIdentifier(table.Name, table.Schema), columns);
        }

        /// <summary>The value EF Core would store for the column.</summary>
        public static object? ProviderValue(CaseRecord record, IClrPropertyGetter getter, RelationalTypeMapping mapping)
        {
            var value = getter.GetClrValueUsingContainingEntity(record);
            return mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value;
        }

        public DataTable NewTable()
        {
            var table = new DataTable { Locale = CultureInfo.InvariantCulture };
            foreach (var (name, _, mapping, _) in Columns)
            {
                table.Columns.Add(name, BulkType(mapping.Converter?.ProviderClrType ?? mapping.ClrType));
            }

            return table;
        }

        public object[] BulkValues(CaseRecord record) =>
            Columns.Select(c => ProviderValue(record, c.Getter, c.Mapping) switch
            {
                null => DBNull.Value,
                DateOnly day => day.ToDateTime(TimeOnly.MinValue), // a DataTable column of DateOnly is not one SqlBulkCopy converts
                var value => value,
            }).ToArray();

        private static Type BulkType(Type type) => Nullable.GetUnderlyingType(type) is { } inner ? BulkType(inner) : type == typeof(DateOnly) ? typeof(DateTime) : type;
    }

    /// <summary>The one INSERT of every stored column, with a parameter per column, bound anew for each record.</summary>
    private sealed class InsertColumns
    {
        private readonly (IClrPropertyGetter Getter, RelationalTypeMapping Mapping, DbParameter Parameter)[] columns;

        private InsertColumns((IClrPropertyGetter, RelationalTypeMapping, DbParameter)[] columns) => this.columns = columns;

        public static InsertColumns Of(PartnerGraphDbContext db, DbCommand command)
        {
            var stored = StoredColumns.Of(db);
            var sql = db.GetService<ISqlGenerationHelper>();
            var columns = stored.Columns.Select((c, i) =>
            {
                var parameter = c.Mapping.CreateParameter(command, "@p" + i.ToString(CultureInfo.InvariantCulture), null, c.Nullable);
                command.Parameters.Add(parameter);
                return (c.Getter, c.Mapping, parameter);
            }).ToArray();

            command.CommandText =
                $"INSERT INTO {stored.QuotedTable} ({string.Join(", ", stored.Names.Select(n => sql.DelimitIdentifier(n)))}) " +
                $"VALUES ({string.Join(", ", columns.Select(c => c.parameter.ParameterName))})";
            return new InsertColumns(columns);
        }

        public void Bind(CaseRecord record)
        {
            foreach (var (getter, mapping, parameter) in columns)
            {
                parameter.Value = StoredColumns.ProviderValue(record, getter, mapping) ?? DBNull.Value;
            }
        }

        /// <summary>Gives the record the id the database gave its row, as EF Core does on SaveChanges (Id is init-only).</summary>
        [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Id")]
        public static extern void SetId(CaseRecord record, long value);
    }

    /// <summary>Runs the given restoring step once, when disposed.</summary>
    private sealed class Restore(Func<Task> restore) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await restore();
    }
}
