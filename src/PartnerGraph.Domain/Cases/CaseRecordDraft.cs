using System.Globalization;
using PartnerGraph.Domain.Geography;
using PartnerGraph.Domain.Organisations;

namespace PartnerGraph.Domain.Cases;

/// <summary>
/// One incoming case exactly as it arrived (a GraphQL input or a CSV row), every field as text. <see cref="Validate"/>
/// is the one validation of case intake, shared by the recordCase mutation and the import: it gives either a case
/// record or every problem found. No message ever repeats a value, so that a child's data sent by mistake is not
/// echoed into a response, a report or a log.
/// </summary>
public sealed record CaseRecordDraft
{
    /// <summary>Cases identified before this day are refused as typing errors.</summary>
    public static readonly DateOnly FirstDay = new(2000, 1, 1);

    // Thailand keeps UTC+7 all year: "not in the future" means not after today's date in Thailand.
    private static readonly TimeSpan ThailandOffset = TimeSpan.FromHours(7);

    public string? IdentifiedOn { get; init; }
    public string? Province { get; init; }
    public string? District { get; init; }
    public string? AgeBand { get; init; }
    public string? Sex { get; init; }
    public string? Nationality { get; init; }
    public string? PopulationGroup { get; init; }
    public string? MigrationStatus { get; init; }
    public string? ExploitationType { get; init; }
    public string? VictimStatus { get; init; }
    public string? IdentificationSource { get; init; }

    /// <summary>ACTIVE when left out.</summary>
    public string? Status { get; init; }

    /// <summary>
    /// Checks every field; a field holding personal data is reported as such and not checked further. An import passes
    /// its <paramref name="guard"/> (<see cref="PersonalData.PersonalDataMemo"/>), which answers as
    /// <see cref="PersonalData.PersonalDataGuard.Find"/> does.
    /// </summary>
    public CaseIntakeResult Validate(CaseRecorder recorder, CaseGeography geography, TimeProvider clock, PersonalData.PersonalDataMemo? guard = null)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentNullException.ThrowIfNull(geography);
        ArgumentNullException.ThrowIfNull(clock);
        var now = clock.GetUtcNow();
        var fields = new Fields(
            guard,
            [
                IdentifiedOn, Province, District, AgeBand, Sex, Nationality, PopulationGroup, MigrationStatus, ExploitationType,
                VictimStatus, IdentificationSource, Status,
            ]);

        var identifiedOn = fields.Day(DateOnly.FromDateTime(now.ToOffset(ThailandOffset).DateTime));
        var province = fields.Province(geography, recorder);
        var district = fields.District(geography, province);
        var nationality = fields.Nationality();
        var ageBand = fields.Coded(CaseField.AgeBand, CaseVocabulary.AgeBands);
        var sex = fields.Coded(CaseField.Sex, CaseVocabulary.Sexes);
        var group = fields.Coded(CaseField.PopulationGroup, CaseVocabulary.PopulationGroups);
        var migration = fields.Coded(CaseField.MigrationStatus, CaseVocabulary.MigrationStatuses);
        var exploitation = fields.Coded(CaseField.ExploitationType, CaseVocabulary.ExploitationTypes);
        var victim = fields.Coded(CaseField.VictimStatus, CaseVocabulary.VictimStatuses);
        var source = fields.Coded(CaseField.IdentificationSource, CaseVocabulary.IdentificationSources);
        var status = fields.Coded(CaseField.Status, CaseVocabulary.CaseStatuses, required: false) ?? CaseStatus.Active;
        if (fields.Problems.Count > 0)
        {
            return new CaseIntakeResult(null, fields.Problems);
        }

        return new CaseIntakeResult(
            new CaseRecord
            {
                RecordingOrganisationId = recorder.OrganisationId,
                IdentifiedOn = identifiedOn!.Value,
                ProvinceCode = province!,
                DistrictCode = district,
                AgeBand = ageBand!.Value,
                Sex = sex!.Value,
                Nationality = nationality!,
                PopulationGroup = group!.Value,
                MigrationStatus = migration!.Value,
                ExploitationType = exploitation!.Value,
                VictimStatus = victim!.Value,
                IdentificationSource = source!.Value,
                Status = status,

                RecordedAt = now.UtcDateTime,
            },
            []);
    }

    /// <summary>The fields of one draft as they are read: trimmed, personal data refused first, problems gathered.</summary>
    private sealed class Fields
    {
        private readonly string?[] given = new string?[CaseFields.All.Count];
        private readonly bool[] refused = new bool[CaseFields.All.Count];

        /// <summary>The values in the order of <see cref="CaseField"/>.</summary>
        public Fields(PersonalData.PersonalDataMemo? guard, string?[] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                var field = (CaseField)i;
                var value = values[i];
                if ((guard is null ? PersonalData.PersonalDataGuard.Find(value) : guard.Find(value)) is { } kind)
                {
                    refused[i] = true;
                    Problems.Add(new(field, CaseProblemCodes.PersonalDataNotAllowed, $"holds what looks like {PersonalData.PersonalDataGuard.Describe(kind)}. Case records never carry personal data: remove it."));
                }
                else if (!string.IsNullOrWhiteSpace(value))
                {
                    given[i] = value.Trim();
                }
            }
        }

        public List<CaseProblem> Problems { get; } = [];

        public DateOnly? Day(DateOnly today)
        {
            if (!Read(CaseField.IdentifiedOn, "the day the child was identified, written YYYY-MM-DD", out var text))
            {
                return null;
            }

            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                return Problem<DateOnly>(CaseField.IdentifiedOn, CaseProblemCodes.InvalidCase, "is not a day written YYYY-MM-DD, such as 2025-07-01.");
            }

            return day < FirstDay || day > today
                ? Problem<DateOnly>(CaseField.IdentifiedOn, CaseProblemCodes.InvalidCase, string.Create(CultureInfo.InvariantCulture, $"must be a day from {FirstDay:yyyy-MM-dd} to today, not in the future."))
                : day;
        }

        public string? Province(CaseGeography geography, CaseRecorder recorder)
        {
            if (!Read(CaseField.Province, "the province, such as TH-50 or 50", out var text))
            {
                return null;
            }

            if (!ProvinceCode.TryNormalise(text, out var code))
            {
                return Problem(CaseField.Province, CaseProblemCodes.InvalidProvinceCode, "is not a province code; write the ISO 3166-2 code (TH-50) or the 2-digit DOPA code (50).");
            }

            if (!geography.ProvinceExists(code))
            {
                return Problem(CaseField.Province, CaseProblemCodes.UnknownProvince, "is not one of Thailand's 77 provinces; the provinces query lists their codes.");
            }

            return recorder.MayRecordIn(code)
                ? code
                : Problem(CaseField.Province, CaseProblemCodes.ProvinceNotAllowed, "is not a province your organisation operates in; only government organisations record cases in any province.");
        }

        public string? District(CaseGeography geography, string? province)
        {
            if (given[(int)CaseField.District] is not { } code)
            {
                return null;
            }

            if (code.Length != 4 || !code.All(char.IsAsciiDigit) || geography.ProvinceOfDistrict(code) is not { } districtProvince)
            {
                return Problem(CaseField.District, CaseProblemCodes.UnknownDistrict, "is not a district code; write the 4-digit DOPA code, such as 5001 (the province query lists a province's districts).");
            }

            return province is null || districtProvince == province
                ? code
                : Problem(CaseField.District, CaseProblemCodes.DistrictNotInProvince, "is a district of another province; give a district of the province recorded.");
        }

        public string? Nationality()
        {
            if (!Read(CaseField.Nationality, "an ISO 3166-1 alpha-2 country code, STATELESS or UNKNOWN", out var text))
            {
                return null;
            }

            var code = text.ToUpperInvariant();
            return code is CaseRecordRules.Stateless or CaseRecordRules.UnknownNationality || CountryCodes.IsAssigned(code)
                ? code
                : Problem(CaseField.Nationality, CaseProblemCodes.InvalidCase, "is not an ISO 3166-1 alpha-2 country code (such as TH, MM, KH or LA), STATELESS or UNKNOWN.");
        }

        public T? Coded<T>(CaseField field, CodeList<T> codes, bool required = true)
            where T : struct, Enum
        {
            if (!required && given[(int)field] is null)
            {
                return null;
            }

            if (!Read(field, codes.OneOf, out var text))
            {
                return null;
            }

            return codes.TryParse(text, out var value) ? value : Problem<T>(field, CaseProblemCodes.InvalidCase, $"must be {codes.OneOf}.");
        }

        /// <summary>The field's text; false (and, unless personal data was refused in it, a problem) when it is missing.</summary>
        private bool Read(CaseField field, string what, out string text)
        {
            if (given[(int)field] is { } value)
            {
                text = value;
                return true;
            }

            text = "";
            if (!refused[(int)field])
            {
                Problems.Add(new(field, CaseProblemCodes.InvalidCase, $"is required: {what}."));
            }

            return false;
        }

        private string? Problem(CaseField field, string code, string message)
        {
            Problems.Add(new(field, code, message));
            return null;
        }

        private T? Problem<T>(CaseField field, string code, string message)
            where T : struct
        {
            Problems.Add(new(field, code, message));
            return null;
        }
    }
}

/// <summary>The fields of an incoming case, each with its GraphQL input name and its CSV column name.</summary>
public enum CaseField
{
    IdentifiedOn,
    Province,
    District,
    AgeBand,
    Sex,
    Nationality,
    PopulationGroup,
    MigrationStatus,
    ExploitationType,
    VictimStatus,
    IdentificationSource,
    Status,
}

public static class CaseFields
{
    public static IReadOnlyList<CaseField> All { get; } = Enum.GetValues<CaseField>();

    /// <summary>"identifiedOn": the field's name in the recordCase input.</summary>
    public static string InputName(this CaseField field)
    {
        var name = field.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    /// <summary>"identified_on": the field's column in an import file.</summary>
    public static string ColumnName(this CaseField field) => CaseVocabulary.ConstantCase(field.ToString()).ToLowerInvariant();
}

/// <summary>One problem of an incoming case: the field, a code for machines and a message that never repeats the value.</summary>
public sealed record CaseProblem(CaseField Field, string Code, string Message);

/// <summary>Either a case record ready to store, or the problems that keep it out.</summary>
public sealed record CaseIntakeResult(CaseRecord? Record, IReadOnlyList<CaseProblem> Problems)
{
    public bool IsValid => Record is not null;
}

/// <summary>The codes of case intake problems, as partners meet them in extensions.code and import reports.</summary>
public static class CaseProblemCodes
{
    public const string PersonalDataNotAllowed = PersonalData.PersonalDataGuard.Code;
    public const string InvalidCase = "INVALID_CASE";
    public const string InvalidProvinceCode = "INVALID_PROVINCE_CODE";
    public const string UnknownProvince = "UNKNOWN_PROVINCE";
    public const string UnknownDistrict = "UNKNOWN_DISTRICT";
    public const string DistrictNotInProvince = "DISTRICT_NOT_IN_PROVINCE";
    public const string ProvinceNotAllowed = "PROVINCE_NOT_ALLOWED";
}

public static class CaseRecordRules
{
    public const string Stateless = "STATELESS";
    public const string UnknownNationality = "UNKNOWN";
}

/// <summary>
/// The organisation recording cases. Recording is not reading, so no sharing agreement is asked for; but an organisation
/// records only where it operates, except a government one (ATD, the provincial offices), which records anywhere.
/// </summary>
public sealed record CaseRecorder(string OrganisationId, OrganisationKind Kind, IReadOnlySet<string> ProvinceCodes)
{
    public static CaseRecorder Of(Organisation organisation)
    {
        ArgumentNullException.ThrowIfNull(organisation);
        return new(organisation.Id, organisation.Kind, organisation.Provinces.Select(p => p.ProvinceCode).ToHashSet(StringComparer.Ordinal));
    }

    public bool MayRecordIn(string provinceCode) => new OperatingArea(Kind, ProvinceCodes).Includes(provinceCode);
}

/// <summary>The reference geography as case intake needs it, given by the caller so that the domain reads no database.</summary>
/// <param name="ProvinceExists">Whether a province of this DOPA code exists.</param>
/// <param name="ProvinceOfDistrict">The DOPA code of the province of a district, or null when no district has this code.</param>
public sealed record CaseGeography(Func<string, bool> ProvinceExists, Func<string, string?> ProvinceOfDistrict);
