using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerGraph.Data.Sqlite.Migrations
{
    /// <summary>
    /// Stores the cubes clustered by their key (a WITHOUT ROWID table, as SQL Server's clustered primary key already
    /// does), so that the rows of one cube lie together in key order: a table of statistics reads a few contiguous
    /// pages instead of looking up every cube row by rowid. Columns, key, rows and triggers stay as they were.
    /// </summary>
    public partial class ClusterCaseCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => Rebuild(migrationBuilder, withoutRowId: true);

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => Rebuild(migrationBuilder, withoutRowId: false);

        /// <summary>
        /// Copies CaseCounts into a table of the layout asked for. The triggers that keep the cubes exact are dropped
        /// and made again around the copy, unchanged, so that no trigger ever names a table that is not there.
        /// </summary>
        private static void Rebuild(MigrationBuilder migrationBuilder, bool withoutRowId)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "CaseRecords_CaseCounts_Insert";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "CaseRecords_CaseCounts_Delete";""");
            migrationBuilder.Sql(withoutRowId
                ? """
                    CREATE TABLE "CaseCounts_Clustered" (
                        "Cube" TEXT NOT NULL,
                        "ProvinceCode" TEXT NOT NULL,
                        "DistrictCode" TEXT NOT NULL,
                        "MonthKey" INTEGER NOT NULL,
                        "AgeBand" TEXT NOT NULL,
                        "Sex" TEXT NOT NULL,
                        "Nationality" TEXT NOT NULL,
                        "PopulationGroup" TEXT NOT NULL,
                        "ExploitationType" TEXT NOT NULL,
                        "VictimStatus" TEXT NOT NULL,
                        "IdentificationSource" TEXT NOT NULL,
                        "Count" INTEGER NOT NULL,
                        "KeySum" INTEGER NOT NULL,
                        CONSTRAINT "PK_CaseCounts" PRIMARY KEY ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource")
                    ) WITHOUT ROWID;
                """
                : """
                    CREATE TABLE "CaseCounts_Clustered" (
                        "Cube" TEXT NOT NULL,
                        "ProvinceCode" TEXT NOT NULL,
                        "DistrictCode" TEXT NOT NULL,
                        "MonthKey" INTEGER NOT NULL,
                        "AgeBand" TEXT NOT NULL,
                        "Sex" TEXT NOT NULL,
                        "Nationality" TEXT NOT NULL,
                        "PopulationGroup" TEXT NOT NULL,
                        "ExploitationType" TEXT NOT NULL,
                        "VictimStatus" TEXT NOT NULL,
                        "IdentificationSource" TEXT NOT NULL,
                        "Count" INTEGER NOT NULL,
                        "KeySum" INTEGER NOT NULL,
                        CONSTRAINT "PK_CaseCounts" PRIMARY KEY ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource")
                    );
                """);
            migrationBuilder.Sql(
                """
                INSERT INTO "CaseCounts_Clustered" ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource", "Count", "KeySum")
                SELECT "Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource", "Count", "KeySum" FROM "CaseCounts";
                """);
            migrationBuilder.Sql("""DROP TABLE "CaseCounts";""");
            migrationBuilder.Sql("""ALTER TABLE "CaseCounts_Clustered" RENAME TO "CaseCounts";""");
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
        }
    }
}
