using System.Data;
using System.Data.Common;
using System.Globalization;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using PartnerGraph.Domain.Cases;

namespace PartnerGraph.Data;

/// <summary>
/// Writes many case records in one transaction: all of them or none. On SQLite one prepared INSERT is reused for
/// every row (a million rows in seconds, not minutes); on SQL Server SqlBulkCopy streams them in batches, firing the
/// trigger that keeps the cubes; on any other provider EF Core adds them in chunks. Each runs as one unit of work in
/// the provider's execution strategy: a retry starts over from the first record.
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

    private static async Task<long> WithPreparedCommandAsync(PartnerGraphDbContext db, Func<IEnumerable<CaseRecord>> records, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var cacheSize = await PragmaAsync(db, "PRAGMA cache_size", cancellationToken);
        try
        {
            // The four indexes of a million new rows thrash SQLite's default 2 MiB page cache: 128 MiB imports them in half the time.
            await PragmaAsync(db, string.Create(CultureInfo.InvariantCulture, $"PRAGMA cache_size = {LargeCacheKib}"), cancellationToken);
            return await db.InTransactionAsync(ct => InsertEachAsync(db, records(), progress, ct), cancellationToken);
        }
        finally
        {
            await PragmaAsync(db, string.Create(CultureInfo.InvariantCulture, $"PRAGMA cache_size = {cacheSize}"), CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    private static Task<long> InsertEachAsync(PartnerGraphDbContext db, IEnumerable<CaseRecord> records, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        var columns = InsertColumns.Of(db, command);
        command.Prepare();
        long written = 0;
        foreach (var record in records)
        {
            columns.Bind(record);
            command.ExecuteNonQuery();
            if (++written % ProgressEvery == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(written);
            }
        }

        progress?.Report(written);
        return Task.FromResult(written);
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
    }
}
