using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerGraph.Data.SqlServer.Migrations
{
    /// <summary>
    /// Differential privacy replaces the cell-key method: the case records lose their cell keys and the cubes their key
    /// sums, the cube trigger is made again without them (its statements otherwise unchanged), and the budgets of
    /// privacy loss, the stored releases and the access log's rho columns are added. The trigger goes first, as it reads
    /// the columns dropped. Down brings the columns back at 0: the cell keys themselves are gone for good.
    /// </summary>
    public partial class DifferentialPrivacy : Migration
    {
        /// <summary>The QuarterCube migration's trigger without the cell keys and key sums.</summary>
        internal static string WithoutCellKeys(string trigger)
        {
            var text = trigger
                .Replace(", CAST(i.[CellKey] AS bigint) AS [K]", "", StringComparison.Ordinal)
                .Replace(", -CAST(d.[CellKey] AS bigint) AS [K]", "", StringComparison.Ordinal)
                .Replace(", x.[K] FROM changes", " FROM changes", StringComparison.Ordinal)
                .Replace(", SUM([K]) AS [K]", "", StringComparison.Ordinal)
                .Replace(", t.[KeySum] = t.[KeySum] + s.[K]", "", StringComparison.Ordinal)
                .Replace(", [Count], [KeySum])", ", [Count])", StringComparison.Ordinal)
                .Replace(", s.[N], s.[K]);", ", s.[N]);", StringComparison.Ordinal);
            return text.Contains("KeySum", StringComparison.Ordinal) || text.Contains("CellKey", StringComparison.Ordinal) || text.Contains("[K]", StringComparison.Ordinal)
                ? throw new InvalidOperationException("The cube trigger still reads cell keys.")
                : text;
        }

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS [TR_CaseRecords_CaseCounts];""");
            migrationBuilder.DropColumn(
                name: "CellKey",
                table: "CaseRecords");

            migrationBuilder.DropColumn(
                name: "KeySum",
                table: "CaseCounts");

            migrationBuilder.Sql(SqlServerBatch.Own(WithoutCellKeys(QuarterCube.QuarterTrigger)));

            migrationBuilder.AddColumn<long>(
                name: "PrivacyBudgetMicroRho",
                table: "Organisations",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "MicroRhoCharged",
                table: "AccessLog",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "MicroRhoRemaining",
                table: "AccessLog",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PrivacyBudgets",
                columns: table => new
                {
                    Account = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Quarter = table.Column<int>(type: "int", nullable: false),
                    SpentMicroRho = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PrivacyBudgets", x => new { x.Account, x.Quarter });
                });

            migrationBuilder.CreateTable(
                name: "StatisticsReleases",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Account = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Question = table.Column<string>(type: "nchar(64)", fixedLength: true, maxLength: 64, nullable: false),
                    DataVersion = table.Column<long>(type: "bigint", nullable: false),
                    MicroRho = table.Column<long>(type: "bigint", nullable: false),
                    SensitivitySquared = table.Column<int>(type: "int", nullable: false),
                    Noisy = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    ReleasedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatisticsReleases", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_StatisticsReleases_Account_Question_DataVersion",
                table: "StatisticsReleases",
                columns: new[] { "Account", "Question", "DataVersion" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS [TR_CaseRecords_CaseCounts];""");
            migrationBuilder.DropTable(
                name: "PrivacyBudgets");

            migrationBuilder.DropTable(
                name: "StatisticsReleases");

            migrationBuilder.DropColumn(
                name: "PrivacyBudgetMicroRho",
                table: "Organisations");

            migrationBuilder.DropColumn(
                name: "MicroRhoCharged",
                table: "AccessLog");

            migrationBuilder.DropColumn(
                name: "MicroRhoRemaining",
                table: "AccessLog");

            migrationBuilder.AddColumn<int>(
                name: "CellKey",
                table: "CaseRecords",
                type: "int",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "KeySum",
                table: "CaseCounts",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.Sql(SqlServerBatch.Own(QuarterCube.QuarterTrigger));
        }
    }
}
