using System.Data;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Tests.Cases;

namespace PartnerGraph.Tests.SqlServer;

/// <summary>What the import sends to SQL Server through SqlBulkCopy, checked without an engine; the live suite runs it.</summary>
public sealed class SqlBulkCopyTests
{
    [Fact]
    public void Bulk_copy_batches_hold_every_stored_column_by_its_SQL_Server_name_with_the_values_EF_Core_would_write()
    {
        using var db = new PartnerGraphDbContext(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.SqlServer, SqlServerCapture.NoServer));
        var records = Cases(12_001).ToList();

        var batches = CaseRecordBulkWriter.BulkCopyBatches(db, records).ToList();

        Assert.Equal([5_000, 5_000, 2_001], batches.Select(b => b.Rows.Count));
        var table = db.Model.FindEntityType(typeof(CaseRecord))!;
        var store = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(table.GetTableName()!, null);
        var expected = table.GetProperties().Where(p => !p.IsKey()).Select(p => p.GetColumnName(store)).Order().ToList();
        Assert.Equal(expected, batches[0].Columns.Cast<DataColumn>().Select(c => c.ColumnName).Order());
        var row = batches[2].Rows[2_000];
        var last = records[^1];
        Assert.Equal(last.AgeBand.ToString(), row["AgeBand"]); // enums by name, as EF Core stores them
        Assert.Equal(last.IdentifiedOn.ToDateTime(TimeOnly.MinValue), row["IdentifiedOn"]);
        Assert.Equal(last.RecordedAt.Ticks, ((DateTime)row["RecordedAt"]).Ticks); // the UTC time itself (datetime2 keeps no kind)
        Assert.Equal(DBNull.Value, row["DistrictCode"]);
    }

    [Fact]
    public void The_bulk_copy_maps_each_column_by_name_into_the_case_records_and_fires_the_cubes_trigger()
    {
        using var db = new PartnerGraphDbContext(DataServiceCollectionExtensions.CreateOptions(DatabaseProvider.SqlServer, SqlServerCapture.NoServer));
        using var connection = new SqlConnection(SqlServerCapture.NoServer);

        using var bulk = CaseRecordBulkWriter.NewBulkCopy(db, connection, null);

        Assert.Equal("[CaseRecords]", bulk.DestinationTableName);
        Assert.Equal(CaseRecordBulkWriter.ChunkSize, bulk.BatchSize);
        var columns = CaseRecordBulkWriter.BulkCopyBatches(db, Cases(1)).Single().Columns.Cast<DataColumn>().Select(c => c.ColumnName);
        Assert.Equal(columns, bulk.ColumnMappings.Cast<SqlBulkCopyColumnMapping>().Select(m => m.SourceColumn));
        Assert.Equal(columns, bulk.ColumnMappings.Cast<SqlBulkCopyColumnMapping>().Select(m => m.DestinationColumn));
        Assert.True(CaseRecordBulkWriter.BulkCopyOptions.HasFlag(SqlBulkCopyOptions.FireTriggers)); // else the cubes miss every imported case
        Assert.True(CaseRecordBulkWriter.BulkCopyOptions.HasFlag(SqlBulkCopyOptions.CheckConstraints));
    }

    internal static IEnumerable<CaseRecord> Cases(int count)
    {
        var recorder = new CaseRecorder("atd", OrganisationKind.Government, new HashSet<string>(StringComparer.Ordinal));
        var geography = new GeographyCatalogue().ForCaseIntake();
        var clock = new FixedClock(new DateTimeOffset(2025, 7, 1, 3, 4, 5, TimeSpan.Zero));
        return Enumerable.Range(0, count).Select(i => new CaseRecordDraft
        {
            IdentifiedOn = new DateOnly(2024, 1, 1).AddDays(i % 300).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Province = "50",
            District = i % 2 == 0 ? null : "5001",
            AgeBand = CaseVocabulary.AgeBands.Codes[i % 5].Name,
            Sex = CaseVocabulary.Sexes.Codes[i % 4].Name,
            Nationality = "TH",
            PopulationGroup = CaseVocabulary.PopulationGroups.Codes[i % 5].Name,
            MigrationStatus = CaseVocabulary.MigrationStatuses.Codes[i % 5].Name,
            ExploitationType = CaseVocabulary.ExploitationTypes.Codes[i % 7].Name,
            VictimStatus = CaseVocabulary.VictimStatuses.Codes[i % 2].Name,
            IdentificationSource = CaseVocabulary.IdentificationSources.Codes[i % 6].Name,
        }.Validate(recorder, geography, clock).Record!);
    }
}
