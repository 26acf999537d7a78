using GraphQL.Types;
using PartnerGraph.Domain.Cases;
using PartnerGraph.GraphQL.Cases;

namespace PartnerGraph.Tests.Cases;

public sealed class CaseVocabularyTests
{
    [Fact]
    public void Age_bands_are_spelt_out()
    {
        Assert.Equal(["AGE_0_5", "AGE_6_11", "AGE_12_14", "AGE_15_17", "AGE_18_PLUS"], CaseVocabulary.AgeBands.Codes.Select(c => c.Name));
        Assert.Equal(Enum.GetValues<AgeBand>(), CaseVocabulary.AgeBands.Codes.Select(c => c.Value));
    }

    [Fact]
    public void Every_other_value_is_the_constant_case_of_its_name_as_GraphQL_writes_it()
    {
        Assert.All(
            Names(CaseVocabulary.Sexes).Concat(Names(CaseVocabulary.PopulationGroups)).Concat(Names(CaseVocabulary.MigrationStatuses))
                .Concat(Names(CaseVocabulary.ExploitationTypes)).Concat(Names(CaseVocabulary.VictimStatuses))
                .Concat(Names(CaseVocabulary.IdentificationSources)).Concat(Names(CaseVocabulary.CaseStatuses)),
            pair => Assert.Equal(global::GraphQL.StringExtensions.ToConstantCase(pair.Clr), pair.Name));
        Assert.Equal("NGO_OUTREACH", CaseVocabulary.IdentificationSources.Name(IdentificationSource.NgoOutreach));
        Assert.Equal("ACCOMPANYING_MIGRANT_WORKER", CaseVocabulary.PopulationGroups.Name(PopulationGroup.AccompanyingMigrantWorker));
        Assert.Equal("CLOSED_REFERRED", CaseVocabulary.CaseStatuses.Name(CaseStatus.ClosedReferred));
    }

    [Fact]
    public void The_GraphQL_enum_types_carry_the_vocabulary_under_their_schema_names()
    {
        var types = new EnumerationGraphType[]
        {
            new AgeBandType(), new SexType(), new PopulationGroupType(), new MigrationStatusType(), new ExploitationTypeType(),
            new VictimStatusType(), new IdentificationSourceType(), new CaseStatusType(),
        };
        Assert.Equal(
            ["AgeBand", "Sex", "PopulationGroup", "MigrationStatus", "ExploitationType", "VictimStatus", "IdentificationSource", "CaseStatus"],
            types.Select(t => t.Name));
        Assert.Equal(["AGE_0_5", "AGE_6_11", "AGE_12_14", "AGE_15_17", "AGE_18_PLUS"], types[0].Values.Select(v => v.Name));
        Assert.Equal(AgeBand.Age12To14, types[0].Values.FindByName("AGE_12_14")!.Value);
        Assert.Equal(IdentificationSource.LabourInspection, types[6].Values.FindByName("LABOUR_INSPECTION")!.Value);
    }

    [Fact]
    public void The_record_case_input_names_each_case_field_as_the_domain_does()
    {
        var input = new RecordCaseInputType();
        Assert.Equal(CaseFields.All.Select(f => f.InputName()).Order(StringComparer.Ordinal), input.Fields.Select(f => f.Name).Order(StringComparer.Ordinal));
    }

    private static IEnumerable<(string Clr, string Name)> Names<T>(CodeList<T> codes)
        where T : struct, Enum =>
        codes.Codes.Select(c => (c.Value.ToString(), c.Name));
}
