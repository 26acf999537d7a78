using GraphQL.Types;
using PartnerGraph.Domain.Cases;

namespace PartnerGraph.GraphQL.Cases;

/// <summary>A case record's coded value as a GraphQL enum, spelt as the domain's vocabulary says, so that the
/// mutation, the import and the statistics all speak the same names.</summary>
public abstract class CaseEnumType<T> : EnumerationGraphType
    where T : struct, Enum
{
    protected CaseEnumType(string name, string description, CodeList<T> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        Name = name;
        Description = description;
        foreach (var code in codes.Codes)
        {
            Add(code.Name, code.Value, code.Description);
        }
    }
}

public sealed class AgeBandType() : CaseEnumType<AgeBand>("AgeBand", "The child's age band when identified.", CaseVocabulary.AgeBands);

public sealed class SexType() : CaseEnumType<Sex>("Sex", "The child's sex as recorded.", CaseVocabulary.Sexes);

public sealed class PopulationGroupType() : CaseEnumType<PopulationGroup>("PopulationGroup", "The group of children the programmes serve that the child belongs to.", CaseVocabulary.PopulationGroups);

public sealed class MigrationStatusType() : CaseEnumType<MigrationStatus>("MigrationStatus", "The child's migration status when identified.", CaseVocabulary.MigrationStatuses);

public sealed class ExploitationTypeType() : CaseEnumType<ExploitationType>("ExploitationType", "The form of exploitation; FORCED_CRIMINALITY includes scam compounds.", CaseVocabulary.ExploitationTypes);

public sealed class VictimStatusType() : CaseEnumType<VictimStatus>("VictimStatus", "Whether the child was a victim or at risk.", CaseVocabulary.VictimStatuses);

public sealed class IdentificationSourceType() : CaseEnumType<IdentificationSource>("IdentificationSource", "Who identified the child.", CaseVocabulary.IdentificationSources);

public sealed class CaseStatusType() : CaseEnumType<CaseStatus>("CaseStatus", "The case's status (Human Trafficking Case Data Standard).", CaseVocabulary.CaseStatuses);
