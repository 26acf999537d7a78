using System.Globalization;
using GraphQL.Types;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Domain.Geography;
using PartnerGraph.Domain.Statistics;
using PartnerGraph.GraphQL.Cases;
using PartnerGraph.GraphQL.Geography;

namespace PartnerGraph.GraphQL.Statistics;

/// <summary>A protected table: its cells, its total and what disclosure control did to it.</summary>
public sealed record CaseStatistics(IReadOnlyList<StatisticCell> Cells, ProtectedCount Total, DisclosureReport Report);

/// <summary>
/// One protected cell: the values of the dimensions grouped by, in the order of groupBy, and where each dimension is
/// in that key (Positions[(int)dimension], -1 when not grouped by), an array the cells of one table share.
/// </summary>
public sealed record StatisticCell(IReadOnlyList<string> Key, int[] Positions, int? Count, bool Suppressed)
{
    /// <summary>The cell's value of a dimension; null for a dimension the table is not grouped by.</summary>
    public string? Value(CaseDimension dimension) => Positions[(int)dimension] is var position and >= 0 ? Key[position] : null;

    /// <summary>Where each dimension is in the keys of a table grouped by these dimensions, for <see cref="Positions"/>.</summary>
    public static int[] PositionsOf(IReadOnlyList<CaseDimension> groupBy)
    {
        var positions = new int[Enum.GetValues<CaseDimension>().Length];
        Array.Fill(positions, -1);
        for (var i = 0; i < groupBy.Count; i++)
        {
            positions[(int)groupBy[i]] = i;
        }

        return positions;
    }
}

public sealed class CaseStatisticsType : ObjectGraphType<CaseStatistics>
{
    public CaseStatisticsType()
    {
        Name = "CaseStatistics";
        Description = "Children identified, counted in the database and protected by disclosure control: no figure lets anyone learn about one child.";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StatisticCellType>>>, IEnumerable<StatisticCell>>("cells").Resolve(c => c.Source.Cells);
        Field<NonNullGraphType<SuppressibleCountType>, ProtectedCount>("total").Resolve(c => c.Source.Total);
        Field<NonNullGraphType<DisclosureControlReportType>, DisclosureReport>("disclosureControl").Resolve(c => c.Source.Report);
    }
}

public sealed class SuppressibleCountType : ObjectGraphType<ProtectedCount>
{
    public SuppressibleCountType()
    {
        Name = "SuppressibleCount";
        Description = "A count, or null with suppressed: true when it was withheld.";
        Field(c => c.Count, nullable: true);
        Field(c => c.Suppressed);
    }
}

public sealed class DisclosureControlReportType : ObjectGraphType<DisclosureReport>
{
    public DisclosureControlReportType()
    {
        Name = "DisclosureControlReport";
        Description = "What disclosure control did to this answer.";
        Field(r => r.Threshold).Description("Counts from 1 to threshold - 1 are withheld.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>, IEnumerable<string>>("methods").Resolve(c => c.Source.Methods);
        Field(r => r.PrimarySuppressed).Description("Cells withheld because they counted too few children.");
        Field(r => r.SecondarySuppressed).Description("Cells withheld so that the others cannot be worked out from totals.");
        Field(r => r.Explanation, nullable: true);
    }
}

public sealed class StatisticCellType : ObjectGraphType<StatisticCell>
{
    public StatisticCellType(GeographyCatalogue geography)
    {
        Name = "StatisticCell";
        Description = "One cell of the table; the dimensions not grouped by are null.";
        Field<ProvinceType, Province?>("province").Resolve(c => c.Source.Value(CaseDimension.Province) is { } p ? geography.Province(p) : null);
        Field<DistrictType, District?>("district").Resolve(c => c.Source.Value(CaseDimension.District) is { } d ? geography.District(d) : null);
        Field<IntGraphType, int?>("year").Resolve(c => c.Source.Value(CaseDimension.Year) is { } y ? int.Parse(y, CultureInfo.InvariantCulture) : null);
        Field<StringGraphType, string?>("quarter").Description("\"2025-Q3\".").Resolve(c => c.Source.Value(CaseDimension.Quarter));
        Field<StringGraphType, string?>("month").Description("\"2025-07\".").Resolve(c => c.Source.Value(CaseDimension.Month));
        Field<AgeBandType, AgeBand?>("ageBand").Resolve(c => Parse<AgeBand>(c.Source.Value(CaseDimension.AgeBand)));
        Field<SexType, Sex?>("sex").Resolve(c => Parse<Sex>(c.Source.Value(CaseDimension.Sex)));
        Field<StringGraphType, string?>("nationality").Description("ISO 3166-1 alpha-2, or STATELESS / UNKNOWN.").Resolve(c => c.Source.Value(CaseDimension.Nationality));
        Field<PopulationGroupType, PopulationGroup?>("populationGroup").Resolve(c => Parse<PopulationGroup>(c.Source.Value(CaseDimension.PopulationGroup)));
        Field<ExploitationTypeType, ExploitationType?>("exploitationType").Resolve(c => Parse<ExploitationType>(c.Source.Value(CaseDimension.ExploitationType)));
        Field<VictimStatusType, VictimStatus?>("victimStatus").Resolve(c => Parse<VictimStatus>(c.Source.Value(CaseDimension.VictimStatus)));
        Field<IdentificationSourceType, IdentificationSource?>("identificationSource").Resolve(c => Parse<IdentificationSource>(c.Source.Value(CaseDimension.IdentificationSource)));
        Field(c => c.Count, nullable: true).Description("Null when suppressed.");
        Field(c => c.Suppressed);
    }

    private static T? Parse<T>(string? value)
        where T : struct, Enum => value is null ? null : Enum.Parse<T>(value);
}
