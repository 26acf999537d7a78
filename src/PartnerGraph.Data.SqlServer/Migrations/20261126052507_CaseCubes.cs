using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerGraph.Data.SqlServer.Migrations
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
                    Cube = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    ProvinceCode = table.Column<string>(type: "nvarchar(2)", maxLength: 2, nullable: false),
                    DistrictCode = table.Column<string>(type: "nvarchar(4)", maxLength: 4, nullable: false),
                    MonthKey = table.Column<int>(type: "int", nullable: false),
                    AgeBand = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Sex = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Nationality = table.Column<string>(type: "nvarchar(9)", maxLength: 9, nullable: false),
                    PopulationGroup = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    ExploitationType = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    VictimStatus = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    IdentificationSource = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Count = table.Column<int>(type: "int", nullable: false),
                    KeySum = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CaseCounts", x => new { x.Cube, x.ProvinceCode, x.DistrictCode, x.MonthKey, x.AgeBand, x.Sex, x.Nationality, x.PopulationGroup, x.ExploitationType, x.VictimStatus, x.IdentificationSource });
                });

            // The cubes are kept exact by the database itself, in the transaction of every insert and delete of a case.
            migrationBuilder.Sql(SqlServerBatch.Own(
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
                """));

            migrationBuilder.Sql(
                """
                INSERT INTO [CaseCounts] ([Cube], [ProvinceCode], [DistrictCode], [MonthKey], [AgeBand], [Sex], [Nationality], [PopulationGroup], [ExploitationType], [VictimStatus], [IdentificationSource], [Count], [KeySum])
                SELECT N'sex-month', c.[ProvinceCode], N'', YEAR(c.[IdentifiedOn]) * 100 + MONTH(c.[IdentifiedOn]), N'', c.[Sex], N'', N'', N'', N'', N'', COUNT(*), SUM(CAST(c.[CellKey] AS bigint)) FROM [CaseRecords] AS c GROUP BY c.[ProvinceCode], YEAR(c.[IdentifiedOn]) * 100 + MONTH(c.[IdentifiedOn]), c.[Sex];
                INSERT INTO [CaseCounts] ([Cube], [ProvinceCode], [DistrictCode], [MonthKey], [AgeBand], [Sex], [Nationality], [PopulationGroup], [ExploitationType], [VictimStatus], [IdentificationSource], [Count], [KeySum])
                SELECT N'geo-month', c.[ProvinceCode], ISNULL(c.[DistrictCode], N''), YEAR(c.[IdentifiedOn]) * 100 + MONTH(c.[IdentifiedOn]), N'', N'', N'', N'', N'', N'', N'', COUNT(*), SUM(CAST(c.[CellKey] AS bigint)) FROM [CaseRecords] AS c GROUP BY c.[ProvinceCode], ISNULL(c.[DistrictCode], N''), YEAR(c.[IdentifiedOn]) * 100 + MONTH(c.[IdentifiedOn]);
                INSERT INTO [CaseCounts] ([Cube], [ProvinceCode], [DistrictCode], [MonthKey], [AgeBand], [Sex], [Nationality], [PopulationGroup], [ExploitationType], [VictimStatus], [IdentificationSource], [Count], [KeySum])
                SELECT N'source-month', c.[ProvinceCode], N'', YEAR(c.[IdentifiedOn]) * 100 + MONTH(c.[IdentifiedOn]), N'', N'', N'', N'', N'', c.[VictimStatus], c.[IdentificationSource], COUNT(*), SUM(CAST(c.[CellKey] AS bigint)) FROM [CaseRecords] AS c GROUP BY c.[ProvinceCode], YEAR(c.[IdentifiedOn]) * 100 + MONTH(c.[IdentifiedOn]), c.[VictimStatus], c.[IdentificationSource];
                INSERT INTO [CaseCounts] ([Cube], [ProvinceCode], [DistrictCode], [MonthKey], [AgeBand], [Sex], [Nationality], [PopulationGroup], [ExploitationType], [VictimStatus], [IdentificationSource], [Count], [KeySum])
                SELECT N'exploitation-month', c.[ProvinceCode], N'', YEAR(c.[IdentifiedOn]) * 100 + MONTH(c.[IdentifiedOn]), N'', N'', N'', N'', c.[ExploitationType], c.[VictimStatus], N'', COUNT(*), SUM(CAST(c.[CellKey] AS bigint)) FROM [CaseRecords] AS c GROUP BY c.[ProvinceCode], YEAR(c.[IdentifiedOn]) * 100 + MONTH(c.[IdentifiedOn]), c.[ExploitationType], c.[VictimStatus];
                INSERT INTO [CaseCounts] ([Cube], [ProvinceCode], [DistrictCode], [MonthKey], [AgeBand], [Sex], [Nationality], [PopulationGroup], [ExploitationType], [VictimStatus], [IdentificationSource], [Count], [KeySum])
                SELECT N'sex-age-month', c.[ProvinceCode], N'', YEAR(c.[IdentifiedOn]) * 100 + MONTH(c.[IdentifiedOn]), c.[AgeBand], c.[Sex], N'', N'', N'', N'', N'', COUNT(*), SUM(CAST(c.[CellKey] AS bigint)) FROM [CaseRecords] AS c GROUP BY c.[ProvinceCode], YEAR(c.[IdentifiedOn]) * 100 + MONTH(c.[IdentifiedOn]), c.[AgeBand], c.[Sex];
                INSERT INTO [CaseCounts] ([Cube], [ProvinceCode], [DistrictCode], [MonthKey], [AgeBand], [Sex], [Nationality], [PopulationGroup], [ExploitationType], [VictimStatus], [IdentificationSource], [Count], [KeySum])
                SELECT N'origin-month', c.[ProvinceCode], N'', YEAR(c.[IdentifiedOn]) * 100 + MONTH(c.[IdentifiedOn]), N'', N'', c.[Nationality], c.[PopulationGroup], N'', N'', N'', COUNT(*), SUM(CAST(c.[CellKey] AS bigint)) FROM [CaseRecords] AS c GROUP BY c.[ProvinceCode], YEAR(c.[IdentifiedOn]) * 100 + MONTH(c.[IdentifiedOn]), c.[Nationality], c.[PopulationGroup];
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS [TR_CaseRecords_CaseCounts];""");

            migrationBuilder.DropTable(
                name: "CaseCounts");
        }
    }
}
