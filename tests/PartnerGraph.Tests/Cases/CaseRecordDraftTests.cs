using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Domain.Organisations;

namespace PartnerGraph.Tests.Cases;

public sealed class CaseRecordDraftTests
{
    private static readonly CaseGeography Geography = new GeographyCatalogue().ForCaseIntake();

    /// <summary>An NGO working in Chiang Mai and Tak.</summary>
    private static readonly CaseRecorder Ngo = new("wvft", OrganisationKind.Ngo, new HashSet<string>(StringComparer.Ordinal) { "50", "63" });

    private static readonly CaseRecorder Government = new("atd", OrganisationKind.Government, new HashSet<string>(StringComparer.Ordinal) { "50" });

    /// <summary>2025-07-01 20:00 UTC: already 2025-07-02 in Thailand.</summary>
    private static readonly FixedClock Clock = new(new DateTimeOffset(2025, 7, 1, 20, 0, 0, TimeSpan.Zero));

    private static readonly CaseRecordDraft Valid = new()
    {
        IdentifiedOn = "2025-06-30",
        Province = "TH-50",
        District = "5001",
        AgeBand = "AGE_12_14",
        Sex = "FEMALE",
        Nationality = "MM",
        PopulationGroup = "ACCOMPANYING_MIGRANT_WORKER",
        MigrationStatus = "IRREGULAR_MIGRANT",
        ExploitationType = "ONLINE_SEXUAL_EXPLOITATION",
        VictimStatus = "AT_RISK",
        IdentificationSource = "NGO_OUTREACH",
        Status = "FOLLOW_UP",
    };

    [Fact]
    public void A_valid_draft_becomes_a_case_record_of_the_recording_organisation()
    {
        var result = Valid.Validate(Ngo, Geography, Clock);

        Assert.Empty(result.Problems);
        var record = Assert.IsType<CaseRecord>(result.Record);
        Assert.Equal("wvft", record.RecordingOrganisationId);
        Assert.Equal(new DateOnly(2025, 6, 30), record.IdentifiedOn);
        Assert.Equal("50", record.ProvinceCode);
        Assert.Equal("5001", record.DistrictCode);
        Assert.Equal(AgeBand.Age12To14, record.AgeBand);
        Assert.Equal(Sex.Female, record.Sex);
        Assert.Equal("MM", record.Nationality);
        Assert.Equal(PopulationGroup.AccompanyingMigrantWorker, record.PopulationGroup);
        Assert.Equal(MigrationStatus.IrregularMigrant, record.MigrationStatus);
        Assert.Equal(ExploitationType.OnlineSexualExploitation, record.ExploitationType);
        Assert.Equal(VictimStatus.AtRisk, record.VictimStatus);
        Assert.Equal(IdentificationSource.NgoOutreach, record.IdentificationSource);
        Assert.Equal(CaseStatus.FollowUp, record.Status);
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, record.RecordedAt);
        Assert.Equal(DateTimeKind.Utc, record.RecordedAt.Kind);
    }

    [Fact]
    public void Spellings_are_read_without_regard_to_case_or_surrounding_spaces_and_optional_fields_may_be_left_out()
    {
        var record = (Valid with { Province = " th-50 ", District = " ", AgeBand = "age_18_plus", Sex = " male", Nationality = "stateless", Status = null })
            .Validate(Ngo, Geography, Clock).Record;

        Assert.NotNull(record);
        Assert.Equal("50", record.ProvinceCode);
        Assert.Null(record.DistrictCode);
        Assert.Equal(AgeBand.Age18Plus, record.AgeBand);
        Assert.Equal(Sex.Male, record.Sex);
        Assert.Equal(CaseRecordRules.Stateless, record.Nationality);
        Assert.Equal(CaseStatus.Active, record.Status);
    }


    [Theory]
    [InlineData("2025-07-02")]
    [InlineData("2000-01-01")]
    public void The_day_identified_may_be_today_in_Thailand_or_any_day_since_2000(string day) =>
        Assert.True((Valid with { IdentifiedOn = day }).Validate(Ngo, Geography, Clock).IsValid);

    [Theory]
    [InlineData(nameof(CaseField.IdentifiedOn), "2025-07-03", CaseProblemCodes.InvalidCase)]
    [InlineData(nameof(CaseField.IdentifiedOn), "1999-12-31", CaseProblemCodes.InvalidCase)]
    [InlineData(nameof(CaseField.IdentifiedOn), "2025-13-01", CaseProblemCodes.InvalidCase)]
    [InlineData(nameof(CaseField.IdentifiedOn), "01/07/2025", CaseProblemCodes.InvalidCase)]
    [InlineData(nameof(CaseField.Province), "TH-5", CaseProblemCodes.InvalidProvinceCode)]
    [InlineData(nameof(CaseField.Province), "Chiang Mai", CaseProblemCodes.InvalidProvinceCode)]
    [InlineData(nameof(CaseField.Province), "TH-99", CaseProblemCodes.UnknownProvince)]
    [InlineData(nameof(CaseField.Province), "TH-57", CaseProblemCodes.ProvinceNotAllowed)]
    [InlineData(nameof(CaseField.District), "9999", CaseProblemCodes.UnknownDistrict)]
    [InlineData(nameof(CaseField.District), "50-01", CaseProblemCodes.UnknownDistrict)]
    [InlineData(nameof(CaseField.District), "6306", CaseProblemCodes.DistrictNotInProvince)]
    [InlineData(nameof(CaseField.Nationality), "XX", CaseProblemCodes.InvalidCase)]
    [InlineData(nameof(CaseField.Nationality), "THA", CaseProblemCodes.InvalidCase)]
    [InlineData(nameof(CaseField.Nationality), "Thai", CaseProblemCodes.InvalidCase)]
    [InlineData(nameof(CaseField.AgeBand), "AGE_12-14", CaseProblemCodes.InvalidCase)]
    [InlineData(nameof(CaseField.AgeBand), "12-14", CaseProblemCodes.InvalidCase)]
    [InlineData(nameof(CaseField.AgeBand), "Age12To14", CaseProblemCodes.InvalidCase)]
    [InlineData(nameof(CaseField.Sex), "F", CaseProblemCodes.InvalidCase)]
    [InlineData(nameof(CaseField.PopulationGroup), "REFUGEE", CaseProblemCodes.InvalidCase)]
    [InlineData(nameof(CaseField.MigrationStatus), "ILLEGAL", CaseProblemCodes.InvalidCase)]
    [InlineData(nameof(CaseField.ExploitationType), "SCAM", CaseProblemCodes.InvalidCase)]
    [InlineData(nameof(CaseField.VictimStatus), "SURVIVOR", CaseProblemCodes.InvalidCase)]
    [InlineData(nameof(CaseField.IdentificationSource), "TEACHER", CaseProblemCodes.InvalidCase)]
    [InlineData(nameof(CaseField.Status), "OPEN", CaseProblemCodes.InvalidCase)]
    public void A_bad_field_is_one_problem_with_its_code_and_no_record(string field, string value, string code)
    {
        var result = With(Enum.Parse<CaseField>(field), value).Validate(Ngo, Geography, Clock);

        Assert.Null(result.Record);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(Enum.Parse<CaseField>(field), problem.Field);
        Assert.Equal(code, problem.Code);
    }

    [Fact]
    public void A_government_organisation_records_in_any_province_and_others_only_where_they_operate()
    {
        var pathumThani = Valid with { Province = "TH-13", District = "1301" };
        Assert.True(pathumThani.Validate(Government, Geography, Clock).IsValid);
        Assert.Equal(CaseProblemCodes.ProvinceNotAllowed, Assert.Single(pathumThani.Validate(Ngo, Geography, Clock).Problems).Code);
        Assert.Equal(CaseProblemCodes.ProvinceNotAllowed, Assert.Single(pathumThani.Validate(Ngo with { Kind = OrganisationKind.International }, Geography, Clock).Problems).Code);
    }

    [Fact]
    public void Every_missing_required_field_is_reported_at_once()
    {
        var result = new CaseRecordDraft().Validate(Ngo, Geography, Clock);

        Assert.Null(result.Record);
        Assert.Equal(
            CaseFields.All.Except([CaseField.District, CaseField.Status]).Order(),
            result.Problems.Select(p => p.Field).Order());
        Assert.All(result.Problems, p => Assert.Equal(CaseProblemCodes.InvalidCase, p.Code));
        Assert.All(result.Problems, p => Assert.StartsWith("is required", p.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("081-234-5678", "a phone number")]
    [InlineData("1101700230716", "a national id or id-like number")]
    [InlineData("somchai@example.org", "an e-mail address")]
    public void Personal_data_in_any_field_is_refused_naming_the_field_and_the_kind_but_never_the_value(string value, string kind)
    {
        foreach (var field in CaseFields.All)
        {
            var result = With(field, value).Validate(Ngo, Geography, Clock);

            Assert.Null(result.Record);
            var problem = Assert.Single(result.Problems);
            Assert.Equal(field, problem.Field);
            Assert.Equal(CaseProblemCodes.PersonalDataNotAllowed, problem.Code);
            Assert.Contains(kind, problem.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(value, problem.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("234", problem.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Personal_data_hidden_among_valid_text_is_refused_too()
    {
        var result = (Valid with { Nationality = "MM 0812345678" }).Validate(Ngo, Geography, Clock);
        Assert.Equal(CaseProblemCodes.PersonalDataNotAllowed, Assert.Single(result.Problems).Code);
    }

    [Fact]
    public void Field_names_are_those_of_the_GraphQL_input_and_of_the_import_columns()
    {
        Assert.Equal("identifiedOn", CaseField.IdentifiedOn.InputName());
        Assert.Equal("identified_on", CaseField.IdentifiedOn.ColumnName());
        Assert.Equal("identification_source", CaseField.IdentificationSource.ColumnName());
        Assert.Equal(
            "identified_on,province,district,age_band,sex,nationality,population_group,migration_status,exploitation_type,victim_status,identification_source,status",
            string.Join(',', CaseFields.All.Select(f => f.ColumnName())));
    }

    [Fact]
    public void The_country_list_holds_the_249_assigned_codes() =>
        Assert.Equal(249, CountryCodes.Count);

    private static CaseRecordDraft With(CaseField field, string value) => field switch
    {
        CaseField.IdentifiedOn => Valid with { IdentifiedOn = value },
        CaseField.Province => Valid with { Province = value },
        CaseField.District => Valid with { District = value },
        CaseField.AgeBand => Valid with { AgeBand = value },
        CaseField.Sex => Valid with { Sex = value },
        CaseField.Nationality => Valid with { Nationality = value },
        CaseField.PopulationGroup => Valid with { PopulationGroup = value },
        CaseField.MigrationStatus => Valid with { MigrationStatus = value },
        CaseField.ExploitationType => Valid with { ExploitationType = value },
        CaseField.VictimStatus => Valid with { VictimStatus = value },
        CaseField.IdentificationSource => Valid with { IdentificationSource = value },
        _ => Valid with { Status = value },
    };
}

/// <summary>A clock that stands still, for rules about today.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
