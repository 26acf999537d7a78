using GraphQL.Types;
using PartnerGraph.Domain.Cases;
using PartnerGraph.GraphQL.Cases;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.GraphQL.Statistics;

/// <summary>Which cases a table counts; every condition given must hold, a list means any of its values.</summary>
public sealed class CaseStatisticsFilter
{
    public Period? Period { get; set; }
    public List<string>? Provinces { get; set; }
    public List<string>? Districts { get; set; }
    public List<AgeBand>? AgeBands { get; set; }
    public List<Sex>? Sexes { get; set; }
    public List<string>? Nationalities { get; set; }
    public List<PopulationGroup>? PopulationGroups { get; set; }
    public List<ExploitationType>? ExploitationTypes { get; set; }
    public List<VictimStatus>? VictimStatuses { get; set; }
    public List<IdentificationSource>? IdentificationSources { get; set; }
}

public sealed class CaseStatisticsFilterInputType : InputObjectGraphType<CaseStatisticsFilter>
{
    public CaseStatisticsFilterInputType()
    {
        Name = "CaseStatisticsFilter";
        Description = "Which cases a table counts; every condition given must hold, and a list means any of its values.";
        Field<PeriodInputType>("period").Description("Cases identified on a day of the period.");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("provinces").Description("Province codes, \"TH-50\" or \"50\".");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("districts").Description("4-digit district codes; needs DISTRICT granularity.");
        Field<ListGraphType<NonNullGraphType<AgeBandType>>>("ageBands");
        Field<ListGraphType<NonNullGraphType<SexType>>>("sexes");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("nationalities").Description("ISO 3166-1 alpha-2 codes, STATELESS or UNKNOWN.");
        Field<ListGraphType<NonNullGraphType<PopulationGroupType>>>("populationGroups");
        Field<ListGraphType<NonNullGraphType<ExploitationTypeType>>>("exploitationTypes");
        Field<ListGraphType<NonNullGraphType<VictimStatusType>>>("victimStatuses");
        Field<ListGraphType<NonNullGraphType<IdentificationSourceType>>>("identificationSources");
    }
}
