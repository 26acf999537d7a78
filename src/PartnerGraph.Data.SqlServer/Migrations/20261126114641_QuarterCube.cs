using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerGraph.Data.SqlServer.Migrations
{
    /// <summary>
    /// Adds the cube sex-quarter: cases by province, quarter and sex, a third of sex-month's rows, for tables that
    /// group by quarter or year over whole quarters. It lives in CaseCounts beside the month cubes, its MonthKey the
    /// quarter's first month (January, April, July or October). The trigger is made again with its rows for the month
    /// cubes unchanged and one more for the new cube, and the cube is filled from the case records.
    /// </summary>
    public partial class QuarterCube : Migration
    {
        /// <summary>The trigger as the CaseCubes migration made it, and Down restores it.</summary>
        private const string MonthTrigger =
            """
            CREATE TRIGGER [TR_CaseRecords_CaseCounts] ON [CaseRecords] AFTER INSERT, DELETE AS
            BEGIN
                SET NOCOUNT ON;
                WITH changes AS (
                    SELECT i.*, 1 AS [N], CAST(i.[CellKey] AS bigint) AS [K] FROM inserted AS i
                    UNION ALL
                    SELECT d.*, -1 AS [N], -CAST(d.[CellKey] AS bigint) AS [K] FROM deleted AS d
                ),
                cubes AS (
                    SELECT N'sex-month' AS [Cube], x.[ProvinceCode] AS [ProvinceCode], N'' AS [DistrictCode], YEAR(x.[IdentifiedOn]) * 100 + MONTH(x.[IdentifiedOn]) AS [MonthKey], N'' AS [AgeBand], x.[Sex] AS [Sex], N'' AS [Nationality], N'' AS [PopulationGroup], N'' AS [ExploitationType], N'' AS [VictimStatus], N'' AS [IdentificationSource], x.[N], x.[K] FROM changes AS x
                    UNION ALL
                    SELECT N'geo-month' AS [Cube], x.[ProvinceCode] AS [ProvinceCode], ISNULL(x.[DistrictCode], N'') AS [DistrictCode], YEAR(x.[IdentifiedOn]) * 100 + MONTH(x.[IdentifiedOn]) AS [MonthKey], N'' AS [AgeBand], N'' AS [Sex], N'' AS [Nationality], N'' AS [PopulationGroup], N'' AS [ExploitationType], N'' AS [VictimStatus], N'' AS [IdentificationSource], x.[N], x.[K] FROM changes AS x
                    UNION ALL
                    SELECT N'source-month' AS [Cube], x.[ProvinceCode] AS [ProvinceCode], N'' AS [DistrictCode], YEAR(x.[IdentifiedOn]) * 100 + MONTH(x.[IdentifiedOn]) AS [MonthKey], N'' AS [AgeBand], N'' AS [Sex], N'' AS [Nationality], N'' AS [PopulationGroup], N'' AS [ExploitationType], x.[VictimStatus] AS [VictimStatus], x.[IdentificationSource] AS [IdentificationSource], x.[N], x.[K] FROM changes AS x
                    UNION ALL
                    SELECT N'exploitation-month' AS [Cube], x.[ProvinceCode] AS [ProvinceCode], N'' AS [DistrictCode], YEAR(x.[IdentifiedOn]) * 100 + MONTH(x.[IdentifiedOn]) AS [MonthKey], N'' AS [AgeBand], N'' AS [Sex], N'' AS [Nationality], N'' AS [PopulationGroup], x.[ExploitationType] AS [ExploitationType], x.[VictimStatus] AS [VictimStatus], N'' AS [IdentificationSource], x.[N], x.[K] FROM changes AS x
                    UNION ALL
                    SELECT N'sex-age-month' AS [Cube], x.[ProvinceCode] AS [ProvinceCode], N'' AS [DistrictCode], YEAR(x.[IdentifiedOn]) * 100 + MONTH(x.[IdentifiedOn]) AS [MonthKey], x.[AgeBand] AS [AgeBand], x.[Sex] AS [Sex], N'' AS [Nationality], N'' AS [PopulationGroup], N'' AS [ExploitationType], N'' AS [VictimStatus], N'' AS [IdentificationSource], x.[N], x.[K] FROM changes AS x
                    UNION ALL
                    SELECT N'origin-month' AS [Cube], x.[ProvinceCode] AS [ProvinceCode], N'' AS [DistrictCode], YEAR(x.[IdentifiedOn]) * 100 + MONTH(x.[IdentifiedOn]) AS [MonthKey], N'' AS [AgeBand], N'' AS [Sex], x.[Nationality] AS [Nationality], x.[PopulationGroup] AS [PopulationGroup], N'' AS [ExploitationType], N'' AS [VictimStatus], N'' AS [IdentificationSource], x.[N], x.[K] FROM changes AS x
                ),
                summed AS (
                    SELECT [Cube], [ProvinceCode], [DistrictCode], [MonthKey], [AgeBand], [Sex], [Nationality], [PopulationGroup], [ExploitationType], [VictimStatus], [IdentificationSource], SUM([N]) AS [N], SUM([K]) AS [K] FROM cubes GROUP BY [Cube], [ProvinceCode], [DistrictCode], [MonthKey], [AgeBand], [Sex], [Nationality], [PopulationGroup], [ExploitationType], [VictimStatus], [IdentificationSource]
                )
                MERGE [CaseCounts] WITH (HOLDLOCK) AS t
                USING summed AS s ON t.[Cube] = s.[Cube] AND t.[ProvinceCode] = s.[ProvinceCode] AND t.[DistrictCode] = s.[DistrictCode] AND t.[MonthKey] = s.[MonthKey] AND t.[AgeBand] = s.[AgeBand] AND t.[Sex] = s.[Sex] AND t.[Nationality] = s.[Nationality] AND t.[PopulationGroup] = s.[PopulationGroup] AND t.[ExploitationType] = s.[ExploitationType] AND t.[VictimStatus] = s.[VictimStatus] AND t.[IdentificationSource] = s.[IdentificationSource]
                WHEN MATCHED THEN UPDATE SET t.[Count] = t.[Count] + s.[N], t.[KeySum] = t.[KeySum] + s.[K]
                WHEN NOT MATCHED THEN INSERT ([Cube], [ProvinceCode], [DistrictCode], [MonthKey], [AgeBand], [Sex], [Nationality], [PopulationGroup], [ExploitationType], [VictimStatus], [IdentificationSource], [Count], [KeySum]) VALUES (s.[Cube], s.[ProvinceCode], s.[DistrictCode], s.[MonthKey], s.[AgeBand], s.[Sex], s.[Nationality], s.[PopulationGroup], s.[ExploitationType], s.[VictimStatus], s.[IdentificationSource], s.[N], s.[K]);
            END
            """;

        /// <summary>The trigger with the sex-quarter rows after the month cubes' rows.</summary>
        internal const string QuarterTrigger =
            """
            CREATE TRIGGER [TR_CaseRecords_CaseCounts] ON [CaseRecords] AFTER INSERT, DELETE AS
            BEGIN
                SET NOCOUNT ON;
                WITH changes AS (
                    SELECT i.*, 1 AS [N], CAST(i.[CellKey] AS bigint) AS [K] FROM inserted AS i
                    UNION ALL
                    SELECT d.*, -1 AS [N], -CAST(d.[CellKey] AS bigint) AS [K] FROM deleted AS d
                ),
                cubes AS (
                    SELECT N'sex-month' AS [Cube], x.[ProvinceCode] AS [ProvinceCode], N'' AS [DistrictCode], YEAR(x.[IdentifiedOn]) * 100 + MONTH(x.[IdentifiedOn]) AS [MonthKey], N'' AS [AgeBand], x.[Sex] AS [Sex], N'' AS [Nationality], N'' AS [PopulationGroup], N'' AS [ExploitationType], N'' AS [VictimStatus], N'' AS [IdentificationSource], x.[N], x.[K] FROM changes AS x
                    UNION ALL
                    SELECT N'geo-month' AS [Cube], x.[ProvinceCode] AS [ProvinceCode], ISNULL(x.[DistrictCode], N'') AS [DistrictCode], YEAR(x.[IdentifiedOn]) * 100 + MONTH(x.[IdentifiedOn]) AS [MonthKey], N'' AS [AgeBand], N'' AS [Sex], N'' AS [Nationality], N'' AS [PopulationGroup], N'' AS [ExploitationType], N'' AS [VictimStatus], N'' AS [IdentificationSource], x.[N], x.[K] FROM changes AS x
                    UNION ALL
                    SELECT N'source-month' AS [Cube], x.[ProvinceCode] AS [ProvinceCode], N'' AS [DistrictCode], YEAR(x.[IdentifiedOn]) * 100 + MONTH(x.[IdentifiedOn]) AS [MonthKey], N'' AS [AgeBand], N'' AS [Sex], N'' AS [Nationality], N'' AS [PopulationGroup], N'' AS [ExploitationType], x.[VictimStatus] AS [VictimStatus], x.[IdentificationSource] AS [IdentificationSource], x.[N], x.[K] FROM changes AS x
                    UNION ALL
                    SELECT N'exploitation-month' AS [Cube], x.[ProvinceCode] AS [ProvinceCode], N'' AS [DistrictCode], YEAR(x.[IdentifiedOn]) * 100 + MONTH(x.[IdentifiedOn]) AS [MonthKey], N'' AS [AgeBand], N'' AS [Sex], N'' AS [Nationality], N'' AS [PopulationGroup], x.[ExploitationType] AS [ExploitationType], x.[VictimStatus] AS [VictimStatus], N'' AS [IdentificationSource], x.[N], x.[K] FROM changes AS x
                    UNION ALL
                    SELECT N'sex-age-month' AS [Cube], x.[ProvinceCode] AS [ProvinceCode], N'' AS [DistrictCode], YEAR(x.[IdentifiedOn]) * 100 + MONTH(x.[IdentifiedOn]) AS [MonthKey], x.[AgeBand] AS [AgeBand], x.[Sex] AS [Sex], N'' AS [Nationality], N'' AS [PopulationGroup], N'' AS [ExploitationType], N'' AS [VictimStatus], N'' AS [IdentificationSource], x.[N], x.[K] FROM changes AS x
                    UNION ALL
                    SELECT N'origin-month' AS [Cube], x.[ProvinceCode] AS [ProvinceCode], N'' AS [DistrictCode], YEAR(x.[IdentifiedOn]) * 100 + MONTH(x.[IdentifiedOn]) AS [MonthKey], N'' AS [AgeBand], N'' AS [Sex], x.[Nationality] AS [Nationality], x.[PopulationGroup] AS [PopulationGroup], N'' AS [ExploitationType], N'' AS [VictimStatus], N'' AS [IdentificationSource], x.[N], x.[K] FROM changes AS x
                    UNION ALL
                    SELECT N'sex-quarter' AS [Cube], x.[ProvinceCode] AS [ProvinceCode], N'' AS [DistrictCode], YEAR(x.[IdentifiedOn]) * 100 + (MONTH(x.[IdentifiedOn]) - 1) / 3 * 3 + 1 AS [MonthKey], N'' AS [AgeBand], x.[Sex] AS [Sex], N'' AS [Nationality], N'' AS [PopulationGroup], N'' AS [ExploitationType], N'' AS [VictimStatus], N'' AS [IdentificationSource], x.[N], x.[K] FROM changes AS x
                ),
                summed AS (
                    SELECT [Cube], [ProvinceCode], [DistrictCode], [MonthKey], [AgeBand], [Sex], [Nationality], [PopulationGroup], [ExploitationType], [VictimStatus], [IdentificationSource], SUM([N]) AS [N], SUM([K]) AS [K] FROM cubes GROUP BY [Cube], [ProvinceCode], [DistrictCode], [MonthKey], [AgeBand], [Sex], [Nationality], [PopulationGroup], [ExploitationType], [VictimStatus], [IdentificationSource]
                )
                MERGE [CaseCounts] WITH (HOLDLOCK) AS t
                USING summed AS s ON t.[Cube] = s.[Cube] AND t.[ProvinceCode] = s.[ProvinceCode] AND t.[DistrictCode] = s.[DistrictCode] AND t.[MonthKey] = s.[MonthKey] AND t.[AgeBand] = s.[AgeBand] AND t.[Sex] = s.[Sex] AND t.[Nationality] = s.[Nationality] AND t.[PopulationGroup] = s.[PopulationGroup] AND t.[ExploitationType] = s.[ExploitationType] AND t.[VictimStatus] = s.[VictimStatus] AND t.[IdentificationSource] = s.[IdentificationSource]
                WHEN MATCHED THEN UPDATE SET t.[Count] = t.[Count] + s.[N], t.[KeySum] = t.[KeySum] + s.[K]
                WHEN NOT MATCHED THEN INSERT ([Cube], [ProvinceCode], [DistrictCode], [MonthKey], [AgeBand], [Sex], [Nationality], [PopulationGroup], [ExploitationType], [VictimStatus], [IdentificationSource], [Count], [KeySum]) VALUES (s.[Cube], s.[ProvinceCode], s.[DistrictCode], s.[MonthKey], s.[AgeBand], s.[Sex], s.[Nationality], s.[PopulationGroup], s.[ExploitationType], s.[VictimStatus], s.[IdentificationSource], s.[N], s.[K]);
            END
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS [TR_CaseRecords_CaseCounts];""");
            migrationBuilder.Sql(SqlServerBatch.Own(QuarterTrigger));

            // Grouped by columns only: SQL Server refuses a constant in GROUP BY (Msg 164).
            migrationBuilder.Sql(
                """
                INSERT INTO [CaseCounts] ([Cube], [ProvinceCode], [DistrictCode], [MonthKey], [AgeBand], [Sex], [Nationality], [PopulationGroup], [ExploitationType], [VictimStatus], [IdentificationSource], [Count], [KeySum])
                SELECT N'sex-quarter', c.[ProvinceCode], N'', YEAR(c.[IdentifiedOn]) * 100 + (MONTH(c.[IdentifiedOn]) - 1) / 3 * 3 + 1, N'', c.[Sex], N'', N'', N'', N'', N'', COUNT(*), SUM(CAST(c.[CellKey] AS bigint)) FROM [CaseRecords] AS c GROUP BY c.[ProvinceCode], YEAR(c.[IdentifiedOn]) * 100 + (MONTH(c.[IdentifiedOn]) - 1) / 3 * 3 + 1, c.[Sex];
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS [TR_CaseRecords_CaseCounts];""");
            migrationBuilder.Sql(SqlServerBatch.Own(MonthTrigger));
            migrationBuilder.Sql("""DELETE FROM [CaseCounts] WHERE [Cube] = N'sex-quarter';""");
        }
    }
}
