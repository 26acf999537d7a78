using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using PartnerGraph.Domain.Cases;

namespace PartnerGraph.Data;

/// <summary>
/// Writes many case records in one transaction: all of them or none. On SQLite one prepared INSERT is reused for
/// every row (a million rows in seconds, not minutes); on other providers EF Core adds them in chunks.
/// </summary>
public static class CaseRecordBulkWriter
{
    private const int ChunkSize = 5_000;
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
        return db.Database.IsSqlite()
            ? WithPreparedCommandAsync(db, records(), progress, cancellationToken)
            : WriteThroughEntityFrameworkAsync(db, records, progress, cancellationToken);
    }

    /// <summary>The provider-neutral way, in chunks of EF Core inserts: what every provider but SQLite uses.</summary>
    public static Task<long> WriteThroughEntityFrameworkAsync(PartnerGraphDbContext db, Func<IEnumerable<CaseRecord>> records, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(records);
        return db.Database.CreateExecutionStrategy().ExecuteAsync(ct => InChunksAsync(db, records(), progress, ct), cancellationToken);
    }

    private static async Task<long> WithPreparedCommandAsync(PartnerGraphDbContext db, IEnumerable<CaseRecord> records, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var cacheSize = await PragmaAsync(db, "PRAGMA cache_size", cancellationToken);
        try
        {
            // The four indexes of a million new rows thrash SQLite's default 2 MiB page cache: 128 MiB imports them in half the time.
            await PragmaAsync(db, string.Create(CultureInfo.InvariantCulture, $"PRAGMA cache_size = {LargeCacheKib}"), cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = transaction.GetDbTransaction();
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

            await transaction.CommitAsync(cancellationToken);
            progress?.Report(written);
            return written;
        }
        finally
        {
            await PragmaAsync(db, string.Create(CultureInfo.InvariantCulture, $"PRAGMA cache_size = {cacheSize}"), CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
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
        db.ChangeTracker.Clear();
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
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
            await transaction.CommitAsync(cancellationToken);
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
    /// The INSERT of every stored column, read from the EF model: table, column names and each column's value
    /// conversion (enums by name, UTC times) are exactly what EF Core itself would write.
    /// </summary>
    private sealed class InsertColumns
    {
        private readonly (IClrPropertyGetter Getter, DbParameter Parameter, Func<object?, object?>? ToProvider)[] columns;

        private InsertColumns((IClrPropertyGetter, DbParameter, Func<object?, object?>?)[] columns) => this.columns = columns;

        public static InsertColumns Of(PartnerGraphDbContext db, DbCommand command)
        {
            var entity = db.Model.FindEntityType(typeof(CaseRecord)) ?? throw new InvalidOperationException("CaseRecord is not in the model.");
            var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
            var sql = db.GetService<ISqlGenerationHelper>();
            var stored = entity.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never).ToList();
            var columns = stored.Select((property, i) =>
            {
                var mapping = property.GetRelationalTypeMapping();
                var parameter = mapping.CreateParameter(command, "@p" + i.ToString(CultureInfo.InvariantCulture), null, property.IsNullable);
                command.Parameters.Add(parameter);
                return (property.GetGetter(), parameter, mapping.Converter?.ConvertToProvider);
            }).ToArray();

            command.CommandText =
                $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", stored.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))}) " +
                $"VALUES ({string.Join(", ", columns.Select(c => c.parameter.ParameterName))})";
            return new InsertColumns(columns);
        }

        public void Bind(CaseRecord record)
        {
            foreach (var (getter, parameter, toProvider) in columns)
            {
                var value = getter.GetClrValueUsingContainingEntity(record);
                parameter.Value = (toProvider is null ? value : toProvider(value)) ?? DBNull.Value;
            }
        }
    }
}
