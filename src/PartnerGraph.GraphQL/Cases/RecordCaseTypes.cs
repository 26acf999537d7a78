using System.Globalization;
using GraphQL.Types;
using PartnerGraph.Domain.Cases;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.GraphQL.Cases;

/// <summary>The recordCase input as GraphQL has parsed it.</summary>
public sealed class RecordCaseInput
{
    public DateOnly IdentifiedOn { get; set; }
    public string? Province { get; set; }
    public string? District { get; set; }
    public AgeBand AgeBand { get; set; }
    public Sex Sex { get; set; }
    public string? Nationality { get; set; }
    public PopulationGroup PopulationGroup { get; set; }
    public MigrationStatus MigrationStatus { get; set; }
    public ExploitationType ExploitationType { get; set; }
    public VictimStatus VictimStatus { get; set; }
    public IdentificationSource IdentificationSource { get; set; }
    public CaseStatus Status { get; set; } = CaseStatus.Active;

    /// <summary>Back to text, so that the mutation and the import go through the one validation of case intake.</summary>
    public CaseRecordDraft ToDraft() => new()
    {
        IdentifiedOn = IdentifiedOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Province = Province,
        District = District,
        AgeBand = CaseVocabulary.AgeBands.Name(AgeBand),
        Sex = CaseVocabulary.Sexes.Name(Sex),
        Nationality = Nationality,
        PopulationGroup = CaseVocabulary.PopulationGroups.Name(PopulationGroup),
        MigrationStatus = CaseVocabulary.MigrationStatuses.Name(MigrationStatus),
        ExploitationType = CaseVocabulary.ExploitationTypes.Name(ExploitationType),
        VictimStatus = CaseVocabulary.VictimStatuses.Name(VictimStatus),
        IdentificationSource = CaseVocabulary.IdentificationSources.Name(IdentificationSource),
        Status = CaseVocabulary.CaseStatuses.Name(Status),
    };
}

public sealed class RecordCaseInputType : InputObjectGraphType<RecordCaseInput>
{
    public RecordCaseInputType()
    {
        Name = "RecordCaseInput";
        Description = "One pseudonymised case. It holds no name, identity number, birth date, phone number, e-mail address or free text: a field that carries personal data is refused with PII_NOT_ALLOWED.";
        Field<NonNullGraphType<DateType>>("identifiedOn").Description("The day the child was identified: from 2000-01-01 to today.");
        Field<NonNullGraphType<StringGraphType>>("province").Description("ISO 3166-2 code (\"TH-50\") or 2-digit DOPA code (\"50\") of a province the caller's organisation operates in; government organisations record in any province.");
        Field<StringGraphType>("district").Description("4-digit DOPA code of a district of that province, e.g. \"5001\".");
        Field<NonNullGraphType<AgeBandType>>("ageBand");
        Field<NonNullGraphType<SexType>>("sex");
        Field<NonNullGraphType<StringGraphType>>("nationality").Description("ISO 3166-1 alpha-2 code (\"TH\", \"MM\"), STATELESS or UNKNOWN.");
        Field<NonNullGraphType<PopulationGroupType>>("populationGroup");
        Field<NonNullGraphType<MigrationStatusType>>("migrationStatus");
        Field<NonNullGraphType<ExploitationTypeType>>("exploitationType");
        Field<NonNullGraphType<VictimStatusType>>("victimStatus");
        Field<NonNullGraphType<IdentificationSourceType>>("identificationSource");
        Field<CaseStatusType>("status").DefaultValue(CaseStatus.Active);
    }
}

/// <summary>
/// What recordCase answers. No case id: an id could be used to look one child's case up, now or by a later field,
/// and a sequential one would tell how many cases others record. The receipt is random, derived from nothing and
/// stored nowhere, so a partner system can keep it beside its own record of what it sent and it leads to no case.
/// </summary>
public sealed record RecordCasePayload(bool Recorded, string Receipt);

public sealed class RecordCasePayloadType : ObjectGraphType<RecordCasePayload>
{
    public RecordCasePayloadType()
    {
        Name = "RecordCasePayload";
        Description = "The answer to recordCase. A case that cannot be recorded is an error with its code; nothing is written.";
        Field(p => p.Recorded).Description("True: the case is stored and counts in the statistics.");
        Field(p => p.Receipt).Description("A random receipt, \"CASE-\" and 24 hex digits, for the caller's own records. It is stored nowhere and identifies no case.");
    }
}
