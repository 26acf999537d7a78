using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerGraph.Data.Sqlite.Migrations
{
    /// <summary>
    /// Adds the cube sex-quarter: cases by province, quarter and sex, a third of sex-month's rows, for tables that
    /// group by quarter or year over whole quarters. It lives in CaseCounts beside the month cubes, its MonthKey the
    /// quarter's first month (January, April, July or October). The triggers are made again with their statements
    /// unchanged and one more for the new cube each, and the cube is filled from the case records.
    /// </summary>
    public partial class QuarterCube : Migration
    {
        /// <summary>The insert trigger as the CaseCubes and ClusterCaseCounts migrations left it, and Down restores it.</summary>
        private const string MonthInsertTrigger =
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
            """;

        /// <summary>The delete trigger as the CaseCubes and ClusterCaseCounts migrations left it, and Down restores it.</summary>
        private const string MonthDeleteTrigger =
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
            """;

        /// <summary>The insert trigger with the sex-quarter upsert after the month cubes' statements.</summary>
        internal const string QuarterInsertTrigger =
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
                INSERT INTO "CaseCounts" ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource", "Count", "KeySum")
                VALUES ('sex-quarter', NEW."ProvinceCode", '', CAST(strftime('%Y', NEW."IdentifiedOn") AS INTEGER) * 100 + (CAST(strftime('%m', NEW."IdentifiedOn") AS INTEGER) - 1) / 3 * 3 + 1, '', NEW."Sex", '', '', '', '', '', 1, NEW."CellKey")
                ON CONFLICT ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource") DO UPDATE SET "Count" = "Count" + 1, "KeySum" = "KeySum" + excluded."KeySum";
            END;
            """;

        /// <summary>The delete trigger with the sex-quarter decrement after the month cubes' statements.</summary>
        internal const string QuarterDeleteTrigger =
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
                UPDATE "CaseCounts" SET "Count" = "Count" - 1, "KeySum" = "KeySum" - OLD."CellKey"
                WHERE "Cube" = 'sex-quarter' AND "ProvinceCode" = OLD."ProvinceCode" AND "DistrictCode" = '' AND "MonthKey" = CAST(strftime('%Y', OLD."IdentifiedOn") AS INTEGER) * 100 + (CAST(strftime('%m', OLD."IdentifiedOn") AS INTEGER) - 1) / 3 * 3 + 1 AND "AgeBand" = '' AND "Sex" = OLD."Sex" AND "Nationality" = '' AND "PopulationGroup" = '' AND "ExploitationType" = '' AND "VictimStatus" = '' AND "IdentificationSource" = '';
            END;
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "CaseRecords_CaseCounts_Insert";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "CaseRecords_CaseCounts_Delete";""");
            migrationBuilder.Sql(QuarterInsertTrigger);
            migrationBuilder.Sql(QuarterDeleteTrigger);
            migrationBuilder.Sql(
                """
                INSERT INTO "CaseCounts" ("Cube", "ProvinceCode", "DistrictCode", "MonthKey", "AgeBand", "Sex", "Nationality", "PopulationGroup", "ExploitationType", "VictimStatus", "IdentificationSource", "Count", "KeySum")
                SELECT 'sex-quarter', c."ProvinceCode", '', CAST(strftime('%Y', c."IdentifiedOn") AS INTEGER) * 100 + (CAST(strftime('%m', c."IdentifiedOn") AS INTEGER) - 1) / 3 * 3 + 1, '', c."Sex", '', '', '', '', '', COUNT(*), SUM(c."CellKey") FROM "CaseRecords" AS c GROUP BY c."ProvinceCode", '', CAST(strftime('%Y', c."IdentifiedOn") AS INTEGER) * 100 + (CAST(strftime('%m', c."IdentifiedOn") AS INTEGER) - 1) / 3 * 3 + 1, '', c."Sex", '', '', '', '', '';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "CaseRecords_CaseCounts_Insert";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "CaseRecords_CaseCounts_Delete";""");
            migrationBuilder.Sql(MonthInsertTrigger);
            migrationBuilder.Sql(MonthDeleteTrigger);
            migrationBuilder.Sql("""DELETE FROM "CaseCounts" WHERE "Cube" = 'sex-quarter';""");
        }
    }
}
