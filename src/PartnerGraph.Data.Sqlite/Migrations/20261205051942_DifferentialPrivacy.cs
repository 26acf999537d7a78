using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerGraph.Data.Sqlite.Migrations
{
    /// <summary>
    /// Differential privacy replaces the cell-key method: the case records lose their cell keys and the cubes their key
    /// sums, the cube triggers are made again without them (their statements otherwise unchanged), and the budgets of
    /// privacy loss, the stored releases and the access log's rho columns are added. SQLite cannot drop a column a
    /// trigger reads, so the triggers go first and come back last, and its DROP COLUMN does the drop in place. Down brings the columns back at 0: the cell keys
    /// themselves are gone for good, as differential privacy needs none.
    /// </summary>
    public partial class DifferentialPrivacy : Migration
    {
        /// <summary>A trigger of the QuarterCube migration without the cell keys and key sums.</summary>
        internal static string WithoutCellKeys(string trigger)
        {
            var text = trigger
                .Replace(", \"Count\", \"KeySum\")", ", \"Count\")", StringComparison.Ordinal)
                .Replace(", 1, NEW.\"CellKey\")", ", 1)", StringComparison.Ordinal)
                .Replace(", \"KeySum\" = \"KeySum\" + excluded.\"KeySum\"", "", StringComparison.Ordinal)
                .Replace(", \"KeySum\" = \"KeySum\" - OLD.\"CellKey\"", "", StringComparison.Ordinal);
            return text.Contains("KeySum", StringComparison.Ordinal) || text.Contains("CellKey", StringComparison.Ordinal)
                ? throw new InvalidOperationException("A cube trigger still reads cell keys.")
                : text;
        }

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "CaseRecords_CaseCounts_Insert";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "CaseRecords_CaseCounts_Delete";""");
            // SQLite's own DROP COLUMN, not EF Core's table rebuild: a rebuild would run last and drop the triggers made below.
            migrationBuilder.Sql("""ALTER TABLE "CaseRecords" DROP COLUMN "CellKey";""");
            migrationBuilder.Sql("""ALTER TABLE "CaseCounts" DROP COLUMN "KeySum";""");
            migrationBuilder.Sql(WithoutCellKeys(QuarterCube.QuarterInsertTrigger));
            migrationBuilder.Sql(WithoutCellKeys(QuarterCube.QuarterDeleteTrigger));

            migrationBuilder.AddColumn<long>(
                name: "PrivacyBudgetMicroRho",
                table: "Organisations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "MicroRhoCharged",
                table: "AccessLog",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "MicroRhoRemaining",
                table: "AccessLog",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PrivacyBudgets",
                columns: table => new
                {
                    Account = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Quarter = table.Column<int>(type: "INTEGER", nullable: false),
                    SpentMicroRho = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PrivacyBudgets", x => new { x.Account, x.Quarter });
                });

            migrationBuilder.CreateTable(
                name: "StatisticsReleases",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Account = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Question = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false),
                    DataVersion = table.Column<long>(type: "INTEGER", nullable: false),
                    MicroRho = table.Column<long>(type: "INTEGER", nullable: false),
                    SensitivitySquared = table.Column<int>(type: "INTEGER", nullable: false),
                    Noisy = table.Column<string>(type: "TEXT", nullable: false),
                    ReleasedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
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
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "CaseRecords_CaseCounts_Insert";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "CaseRecords_CaseCounts_Delete";""");
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
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "KeySum",
                table: "CaseCounts",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.Sql(QuarterCube.QuarterInsertTrigger);
            migrationBuilder.Sql(QuarterCube.QuarterDeleteTrigger);
        }
    }
}
