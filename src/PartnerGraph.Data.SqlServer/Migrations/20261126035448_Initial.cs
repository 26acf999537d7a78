using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerGraph.Data.SqlServer.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AccessLog",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    At = table.Column<DateTime>(type: "datetime2", nullable: false),
                    ClientId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    OrganisationId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    PersonId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    OperationName = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    OperationType = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: true),
                    DocumentHash = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    Datasets = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: true),
                    Dimensions = table.Column<string>(type: "nvarchar(400)", maxLength: 400, nullable: true),
                    RowsReturned = table.Column<int>(type: "int", nullable: false),
                    CellsSuppressed = table.Column<int>(type: "int", nullable: false),
                    DurationMs = table.Column<int>(type: "int", nullable: false),
                    Outcome = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    ErrorCodes = table.Column<string>(type: "nvarchar(400)", maxLength: 400, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AccessLog", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Organisations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    NameTh = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    NameEn = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Country = table.Column<string>(type: "nvarchar(2)", maxLength: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Organisations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Provinces",
                columns: table => new
                {
                    Code = table.Column<string>(type: "nvarchar(2)", maxLength: 2, nullable: false),
                    IsoCode = table.Column<string>(type: "nvarchar(5)", maxLength: 5, nullable: false),
                    NameTh = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    NameEn = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Provinces", x => x.Code);
                });

            migrationBuilder.CreateTable(
                name: "Programmes",
                columns: table => new
                {
                    Code = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    NameEn = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    NameTh = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    LeadOrganisationId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    StartsOn = table.Column<DateOnly>(type: "date", nullable: false),
                    EndsOn = table.Column<DateOnly>(type: "date", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Programmes", x => x.Code);
                    table.ForeignKey(
                        name: "FK_Programmes_Organisations_LeadOrganisationId",
                        column: x => x.LeadOrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SharingAgreements",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    OrganisationId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Datasets = table.Column<int>(type: "int", maxLength: 32, nullable: false),
                    Granularity = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    ProvinceCodes = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    ValidFrom = table.Column<DateOnly>(type: "date", nullable: false),
                    ValidTo = table.Column<DateOnly>(type: "date", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SharingAgreements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SharingAgreements_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Districts",
                columns: table => new
                {
                    Code = table.Column<string>(type: "nvarchar(4)", maxLength: 4, nullable: false),
                    ProvinceCode = table.Column<string>(type: "nvarchar(2)", maxLength: 2, nullable: false),
                    NameTh = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    NameEn = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Districts", x => x.Code);
                    table.ForeignKey(
                        name: "FK_Districts_Provinces_ProvinceCode",
                        column: x => x.ProvinceCode,
                        principalTable: "Provinces",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OrganisationProvinces",
                columns: table => new
                {
                    OrganisationId = table.Column<string>(type: "nvarchar(64)", nullable: false),
                    ProvinceCode = table.Column<string>(type: "nvarchar(2)", maxLength: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OrganisationProvinces", x => new { x.OrganisationId, x.ProvinceCode });
                    table.ForeignKey(
                        name: "FK_OrganisationProvinces_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_OrganisationProvinces_Provinces_ProvinceCode",
                        column: x => x.ProvinceCode,
                        principalTable: "Provinces",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ProgrammePartners",
                columns: table => new
                {
                    ProgrammeCode = table.Column<string>(type: "nvarchar(40)", nullable: false),
                    OrganisationId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProgrammePartners", x => new { x.ProgrammeCode, x.OrganisationId });
                    table.ForeignKey(
                        name: "FK_ProgrammePartners_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ProgrammePartners_Programmes_ProgrammeCode",
                        column: x => x.ProgrammeCode,
                        principalTable: "Programmes",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CaseRecords",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    RecordingOrganisationId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    IdentifiedOn = table.Column<DateOnly>(type: "date", nullable: false),
                    ProvinceCode = table.Column<string>(type: "nvarchar(2)", maxLength: 2, nullable: false),
                    DistrictCode = table.Column<string>(type: "nvarchar(4)", maxLength: 4, nullable: true),
                    AgeBand = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Sex = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Nationality = table.Column<string>(type: "nvarchar(9)", maxLength: 9, nullable: false),
                    PopulationGroup = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    MigrationStatus = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    ExploitationType = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    VictimStatus = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    IdentificationSource = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    CellKey = table.Column<int>(type: "int", nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CaseRecords", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CaseRecords_Districts_DistrictCode",
                        column: x => x.DistrictCode,
                        principalTable: "Districts",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CaseRecords_Organisations_RecordingOrganisationId",
                        column: x => x.RecordingOrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CaseRecords_Provinces_ProvinceCode",
                        column: x => x.ProvinceCode,
                        principalTable: "Provinces",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CoverageReports",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ProgrammeCode = table.Column<string>(type: "nvarchar(40)", maxLength: 40, nullable: false),
                    ProvinceCode = table.Column<string>(type: "nvarchar(2)", maxLength: 2, nullable: false),
                    DistrictCode = table.Column<string>(type: "nvarchar(4)", maxLength: 4, nullable: false),
                    Year = table.Column<int>(type: "int", nullable: false),
                    Quarter = table.Column<int>(type: "int", nullable: false),
                    SubmittedByOrganisationId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    SubmittedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    ReviewedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    ReviewedByOrganisationId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    ReturnReason = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true),
                    Version = table.Column<int>(type: "int", nullable: false),
                    Reached_ActiveVolunteers = table.Column<int>(type: "int", nullable: false),
                    Reached_CommunitiesReached = table.Column<int>(type: "int", nullable: false),
                    Reached_SchoolsReached = table.Column<int>(type: "int", nullable: false),
                    Reached_StudentsBoys = table.Column<int>(type: "int", nullable: false),
                    Reached_StudentsGirls = table.Column<int>(type: "int", nullable: false),
                    Reached_TeachersTrained = table.Column<int>(type: "int", nullable: false),
                    Reached_YouthParticipants = table.Column<int>(type: "int", nullable: false),
                    Target_ActiveVolunteers = table.Column<int>(type: "int", nullable: false),
                    Target_CommunitiesReached = table.Column<int>(type: "int", nullable: false),
                    Target_SchoolsReached = table.Column<int>(type: "int", nullable: false),
                    Target_StudentsBoys = table.Column<int>(type: "int", nullable: false),
                    Target_StudentsGirls = table.Column<int>(type: "int", nullable: false),
                    Target_TeachersTrained = table.Column<int>(type: "int", nullable: false),
                    Target_YouthParticipants = table.Column<int>(type: "int", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CoverageReports", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CoverageReports_Districts_DistrictCode",
                        column: x => x.DistrictCode,
                        principalTable: "Districts",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CoverageReports_Organisations_SubmittedByOrganisationId",
                        column: x => x.SubmittedByOrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CoverageReports_Programmes_ProgrammeCode",
                        column: x => x.ProgrammeCode,
                        principalTable: "Programmes",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_CoverageReports_Provinces_ProvinceCode",
                        column: x => x.ProvinceCode,
                        principalTable: "Provinces",
                        principalColumn: "Code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Referrals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    Reference = table.Column<string>(type: "nvarchar(20)", maxLength: 20, nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    DestinationCountry = table.Column<string>(type: "nvarchar(2)", maxLength: 2, nullable: true),
                    Urgency = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Services = table.Column<int>(type: "int", maxLength: 32, nullable: false),
                    FromOrganisationId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ToOrganisationId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    CaseRecordId = table.Column<long>(type: "bigint", nullable: true),
                    ConsentGivenBy = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    ConsentRecordedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Status = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Version = table.Column<int>(type: "int", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Referrals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Referrals_CaseRecords_CaseRecordId",
                        column: x => x.CaseRecordId,
                        principalTable: "CaseRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Referrals_Organisations_FromOrganisationId",
                        column: x => x.FromOrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Referrals_Organisations_ToOrganisationId",
                        column: x => x.ToOrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ReferralStatusChanges",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ReferralId = table.Column<long>(type: "bigint", nullable: false),
                    PreviousStatus = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: true),
                    Status = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    ChangedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    ChangedByOrganisationId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Reason = table.Column<string>(type: "nvarchar(500)", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReferralStatusChanges", x => x.Sequence);
                    table.ForeignKey(
                        name: "FK_ReferralStatusChanges_Organisations_ChangedByOrganisationId",
                        column: x => x.ChangedByOrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ReferralStatusChanges_Referrals_ReferralId",
                        column: x => x.ReferralId,
                        principalTable: "Referrals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Outbox",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    ReferralId = table.Column<long>(type: "bigint", nullable: false),
                    FromOrganisationId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    ToOrganisationId = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    OccurredAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    PublishedAt = table.Column<DateTime>(type: "datetime2", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Outbox", x => x.Sequence);
                    table.ForeignKey(
                        name: "FK_Outbox_ReferralStatusChanges_Sequence",
                        column: x => x.Sequence,
                        principalTable: "ReferralStatusChanges",
                        principalColumn: "Sequence",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AccessLog_At",
                table: "AccessLog",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_AccessLog_OrganisationId_At",
                table: "AccessLog",
                columns: new[] { "OrganisationId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_CaseRecords_DistrictCode",
                table: "CaseRecords",
                column: "DistrictCode");

            migrationBuilder.CreateIndex(
                name: "IX_CaseRecords_IdentifiedOn",
                table: "CaseRecords",
                column: "IdentifiedOn");

            migrationBuilder.CreateIndex(
                name: "IX_CaseRecords_ProvinceCode_IdentifiedOn",
                table: "CaseRecords",
                columns: new[] { "ProvinceCode", "IdentifiedOn" });

            migrationBuilder.CreateIndex(
                name: "IX_CaseRecords_RecordingOrganisationId",
                table: "CaseRecords",
                column: "RecordingOrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_CoverageReports_DistrictCode",
                table: "CoverageReports",
                column: "DistrictCode");

            migrationBuilder.CreateIndex(
                name: "IX_CoverageReports_ProgrammeCode_DistrictCode_Year_Quarter_SubmittedByOrganisationId",
                table: "CoverageReports",
                columns: new[] { "ProgrammeCode", "DistrictCode", "Year", "Quarter", "SubmittedByOrganisationId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CoverageReports_ProgrammeCode_Status_Year_Quarter",
                table: "CoverageReports",
                columns: new[] { "ProgrammeCode", "Status", "Year", "Quarter" });

            migrationBuilder.CreateIndex(
                name: "IX_CoverageReports_ProvinceCode",
                table: "CoverageReports",
                column: "ProvinceCode");

            migrationBuilder.CreateIndex(
                name: "IX_CoverageReports_SubmittedByOrganisationId",
                table: "CoverageReports",
                column: "SubmittedByOrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_Districts_ProvinceCode",
                table: "Districts",
                column: "ProvinceCode");

            migrationBuilder.CreateIndex(
                name: "IX_OrganisationProvinces_ProvinceCode",
                table: "OrganisationProvinces",
                column: "ProvinceCode");

            migrationBuilder.CreateIndex(
                name: "IX_Outbox_PublishedAt",
                table: "Outbox",
                column: "PublishedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ProgrammePartners_OrganisationId",
                table: "ProgrammePartners",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_Programmes_LeadOrganisationId",
                table: "Programmes",
                column: "LeadOrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_Provinces_IsoCode",
                table: "Provinces",
                column: "IsoCode",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_CaseRecordId",
                table: "Referrals",
                column: "CaseRecordId");

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_FromOrganisationId_Id",
                table: "Referrals",
                columns: new[] { "FromOrganisationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_Reference",
                table: "Referrals",
                column: "Reference",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_ToOrganisationId_Id",
                table: "Referrals",
                columns: new[] { "ToOrganisationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Referrals_UpdatedAt",
                table: "Referrals",
                column: "UpdatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_ReferralStatusChanges_ChangedByOrganisationId",
                table: "ReferralStatusChanges",
                column: "ChangedByOrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_ReferralStatusChanges_ReferralId_Sequence",
                table: "ReferralStatusChanges",
                columns: new[] { "ReferralId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_SharingAgreements_OrganisationId",
                table: "SharingAgreements",
                column: "OrganisationId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AccessLog");

            migrationBuilder.DropTable(
                name: "CoverageReports");

            migrationBuilder.DropTable(
                name: "OrganisationProvinces");

            migrationBuilder.DropTable(
                name: "Outbox");

            migrationBuilder.DropTable(
                name: "ProgrammePartners");

            migrationBuilder.DropTable(
                name: "SharingAgreements");

            migrationBuilder.DropTable(
                name: "ReferralStatusChanges");

            migrationBuilder.DropTable(
                name: "Programmes");

            migrationBuilder.DropTable(
                name: "Referrals");

            migrationBuilder.DropTable(
                name: "CaseRecords");

            migrationBuilder.DropTable(
                name: "Districts");

            migrationBuilder.DropTable(
                name: "Organisations");

            migrationBuilder.DropTable(
                name: "Provinces");
        }
    }
}
