using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerGraph.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CaseCubes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CaseCounts",
                columns: table => new
                {
                    Cube = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ProvinceCode = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    DistrictCode = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    MonthKey = table.Column<int>(type: "INTEGER", nullable: false),
                    AgeBand = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Sex = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Nationality = table.Column<string>(type: "TEXT", maxLength: 9, nullable: false),
                    PopulationGroup = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ExploitationType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    VictimStatus = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    IdentificationSource = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    KeySum = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CaseCounts", x => new { x.Cube, x.ProvinceCode, x.DistrictCode, x.MonthKey, x.AgeBand, x.Sex, x.Nationality, x.PopulationGroup, x.ExploitationType, x.VictimStatus, x.IdentificationSource });
                });

            // The cubes are kept exact by the database itself, in the transaction of every insert and delete of a case.
            migrationBuilder.Sql(
                """
                CREATE TRIGGER "CaseRecords_CaseCounts_Insert" AFTER INSERT ON "CaseRecords"
                BEGIN
                    INSERT INTO "CaseCounts" ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource", "Count", "KeySum")
                    VALUES ('sex-month', NEW."ProvinceCode", '', CAST(strftime('%Y%m', NEW."IdentifiedOn") AS INTEGER), '', NEW."Sex", '', '', '', '', '', 1, NEW."CellKey")
                    ON CONFLICT ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource") DO UPDATE SET "Count" = "Count" + 1, "KeySum" = "KeySum" + excluded."KeySum";
                    INSERT INTO "CaseCounts" ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource", "Count", "KeySum")
                    VALUES ('geo-month', NEW."ProvinceCode", COALESCE(NEW."DistrictCode", ''), CAST(strftime('%Y%m', NEW."IdentifiedOn") AS INTEGER), '', '', '', '', '', '', '', 1, NEW."CellKey")
                    ON CONFLICT ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource") DO UPDATE SET "Count" = "Count" + 1, "KeySum" = "KeySum" + excluded."KeySum";
                    INSERT INTO "CaseCounts" ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource", "Count", "KeySum")
                    VALUES ('source-month', NEW."ProvinceCode", '', CAST(strftime('%Y%m', NEW."IdentifiedOn") AS INTEGER), '', '', '', '', '', NEW."VictimStatus", NEW."IdentificationSource", 1, NEW."CellKey")
                    ON CONFLICT ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource") DO UPDATE SET "Count" = "Count" + 1, "KeySum" = "KeySum" + excluded."KeySum";
                    INSERT INTO "CaseCounts" ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource", "Count", "KeySum")
                    VALUES ('exploitation-month', NEW."ProvinceCode", '', CAST(strftime('%Y%m', NEW."IdentifiedOn") AS INTEGER), '', '', '', '', NEW."ExploitationType", NEW."VictimStatus", '', 1, NEW."CellKey")
                    ON CONFLICT ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource") DO UPDATE SET "Count" = "Count" + 1, "KeySum" = "KeySum" + excluded."KeySum";
                    INSERT INTO "CaseCounts" ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource", "Count", "KeySum")
                    VALUES ('sex-age-month', NEW."ProvinceCode", '', CAST(strftime('%Y%m', NEW."IdentifiedOn") AS INTEGER), NEW."AgeBand", NEW."Sex", '', '', '', '', '', 1, NEW."CellKey")
                    ON CONFLICT ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource") DO UPDATE SET "Count" = "Count" + 1, "KeySum" = "KeySum" + excluded."KeySum";
                    INSERT INTO "CaseCounts" ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource", "Count", "KeySum")
                    VALUES ('origin-month', NEW."ProvinceCode", '', CAST(strftime('%Y%m', NEW."IdentifiedOn") AS INTEGER), '', '', NEW."Nationality", NEW."PopulationGroup", '', '', '', 1, NEW."CellKey")
                    ON CONFLICT ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource") DO UPDATE SET "Count" = "Count" + 1, "KeySum" = "KeySum" + excluded."KeySum";
                END;
                """);

            migrationBuilder.Sql(
                """
                CREATE TRIGGER "CaseRecords_CaseCounts_Delete" AFTER DELETE ON "CaseRecords"
                BEGIN
                    UPDATE "CaseCounts" SET "Count" = "Count" - 1, "KeySum" = "KeySum" - OLD."CellKey"
                    WHERE "Cube" = 'sex-month' AND "ProvinceCode" = OLD."ProvinceCode" AND "DistrictCode" = '' AND "MonthKey" = CAST(strftime('%Y%m', OLD."IdentifiedOn") AS INTEGER) AND "AgeBand" = '' AND "Sex" = OLD."Sex" AND "Nationality" = '' AND "PopulationGroup" = '' AND "ExploitationType" = '' AND "VictimStatus" = '' AND "IdentificationSource" = '';
                    UPDATE "CaseCounts" SET "Count" = "Count" - 1, "KeySum" = "KeySum" - OLD."CellKey"
                    WHERE "Cube" = 'geo-month' AND "ProvinceCode" = OLD."ProvinceCode" AND "DistrictCode" = COALESCE(OLD."DistrictCode", '') AND "MonthKey" = CAST(strftime('%Y%m', OLD."IdentifiedOn") AS INTEGER) AND "AgeBand" = '' AND "Sex" = '' AND "Nationality" = '' AND "PopulationGroup" = '' AND "ExploitationType" = '' AND "VictimStatus" = '' AND "IdentificationSource" = '';
                    UPDATE "CaseCounts" SET "Count" = "Count" - 1, "KeySum" = "KeySum" - OLD."CellKey"
                    WHERE "Cube" = 'source-month' AND "ProvinceCode" = OLD."ProvinceCode" AND "DistrictCode" = '' AND "MonthKey" = CAST(strftime('%Y%m', OLD."IdentifiedOn") AS INTEGER) AND "AgeBand" = '' AND "Sex" = '' AND "Nationality" = '' AND "PopulationGroup" = '' AND "ExploitationType" = '' AND "VictimStatus" = OLD."VictimStatus" AND "IdentificationSource" = OLD."IdentificationSource";
                    UPDATE "CaseCounts" SET "Count" = "Count" - 1, "KeySum" = "KeySum" - OLD."CellKey"
                    WHERE "Cube" = 'exploitation-month' AND "ProvinceCode" = OLD."ProvinceCode" AND "DistrictCode" = '' AND "MonthKey" = CAST(strftime('%Y%m', OLD."IdentifiedOn") AS INTEGER) AND "AgeBand" = '' AND "Sex" = '' AND "Nationality" = '' AND "PopulationGroup" = '' AND "ExploitationType" = OLD."ExploitationType" AND "VictimStatus" = OLD."VictimStatus" AND "IdentificationSource" = '';
                    UPDATE "CaseCounts" SET "Count" = "Count" - 1, "KeySum" = "KeySum" - OLD."CellKey"
                    WHERE "Cube" = 'sex-age-month' AND "ProvinceCode" = OLD."ProvinceCode" AND "DistrictCode" = '' AND "MonthKey" = CAST(strftime('%Y%m', OLD."IdentifiedOn") AS INTEGER) AND "AgeBand" = OLD."AgeBand" AND "Sex" = OLD."Sex" AND "Nationality" = '' AND "PopulationGroup" = '' AND "ExploitationType" = '' AND "VictimStatus" = '' AND "IdentificationSource" = '';
                    UPDATE "CaseCounts" SET "Count" = "Count" - 1, "KeySum" = "KeySum" - OLD."CellKey"
                    WHERE "Cube" = 'origin-month' AND "ProvinceCode" = OLD."ProvinceCode" AND "DistrictCode" = '' AND "MonthKey" = CAST(strftime('%Y%m', OLD."IdentifiedOn") AS INTEGER) AND "AgeBand" = '' AND "Sex" = '' AND "Nationality" = OLD."Nationality" AND "PopulationGroup" = OLD."PopulationGroup" AND "ExploitationType" = '' AND "VictimStatus" = '' AND "IdentificationSource" = '';
                END;
                """);

            migrationBuilder.Sql(
                """
                INSERT INTO "CaseCounts" ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource", "Count", "KeySum")
                SELECT 'sex-month', c."ProvinceCode", '', CAST(strftime('%Y%m', c."IdentifiedOn") AS INTEGER), '', c."Sex", '', '', '', '', '', COUNT(*), SUM(c."CellKey") FROM "CaseRecords" AS c GROUP BY c."ProvinceCode", '', CAST(strftime('%Y%m', c."IdentifiedOn") AS INTEGER), '', c."Sex", '', '', '', '', '';
                INSERT INTO "CaseCounts" ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource", "Count", "KeySum")
                SELECT 'geo-month', c."ProvinceCode", COALESCE(c."DistrictCode", ''), CAST(strftime('%Y%m', c."IdentifiedOn") AS INTEGER), '', '', '', '', '', '', '', COUNT(*), SUM(c."CellKey") FROM "CaseRecords" AS c GROUP BY c."ProvinceCode", COALESCE(c."DistrictCode", ''), CAST(strftime('%Y%m', c."IdentifiedOn") AS INTEGER), '', '', '', '', '', '', '';
                INSERT INTO "CaseCounts" ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource", "Count", "KeySum")
                SELECT 'source-month', c."ProvinceCode", '', CAST(strftime('%Y%m', c."IdentifiedOn") AS INTEGER), '', '', '', '', '', c."VictimStatus", c."IdentificationSource", COUNT(*), SUM(c."CellKey") FROM "CaseRecords" AS c GROUP BY c."ProvinceCode", '', CAST(strftime('%Y%m', c."IdentifiedOn") AS INTEGER), '', '', '', '', '', c."VictimStatus", c."IdentificationSource";
                INSERT INTO "CaseCounts" ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource", "Count", "KeySum")
                SELECT 'exploitation-month', c."ProvinceCode", '', CAST(strftime('%Y%m', c."IdentifiedOn") AS INTEGER), '', '', '', '', c."ExploitationType", c."VictimStatus", '', COUNT(*), SUM(c."CellKey") FROM "CaseRecords" AS c GROUP BY c."ProvinceCode", '', CAST(strftime('%Y%m', c."IdentifiedOn") AS INTEGER), '', '', '', '', c."ExploitationType", c."VictimStatus", '';
                INSERT INTO "CaseCounts" ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource", "Count", "KeySum")
                SELECT 'sex-age-month', c."ProvinceCode", '', CAST(strftime('%Y%m', c."IdentifiedOn") AS INTEGER), c."AgeBand", c."Sex", '', '', '', '', '', COUNT(*), SUM(c."CellKey") FROM "CaseRecords" AS c GROUP BY c."ProvinceCode", '', CAST(strftime('%Y%m', c."IdentifiedOn") AS INTEGER), c."AgeBand", c."Sex", '', '', '', '', '';
                INSERT INTO "CaseCounts" ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource", "Count", "KeySum")
                SELECT 'origin-month', c."ProvinceCode", '', CAST(strftime('%Y%m', c."IdentifiedOn") AS INTEGER), '', '', c."Nationality", c."PopulationGroup", '', '', '', COUNT(*), SUM(c."CellKey") FROM "CaseRecords" AS c GROUP BY c."ProvinceCode", '', CAST(strftime('%Y%m', c."IdentifiedOn") AS INTEGER), '', '', c."Nationality", c."PopulationGroup", '', '', '';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "CaseRecords_CaseCounts_Insert";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "CaseRecords_CaseCounts_Delete";""");

            migrationBuilder.DropTable(
                name: "CaseCounts");
        }
    }
}
