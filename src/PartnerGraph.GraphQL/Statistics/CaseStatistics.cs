using System.Globalization;
using GraphQL.Types;
using PartnerGraph.Data.ReferenceData;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Domain.Geography;
using PartnerGraph.Domain.Statistics;
using PartnerGraph.GraphQL.Cases;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Geography;

namespace PartnerGraph.GraphQL.Statistics;

/// <summary>A protected table: its cells, its total and what disclosure control did to it.</summary>
public sealed record CaseStatistics(IReadOnlyList<StatisticCell> Cells, ProtectedCount Total, DisclosureReport Report);

/// <summary>
/// One protected cell: the values of the dimensions grouped by, in the order of groupBy, and where each dimension is
/// in that key (Positions[(int)dimension], -1 when not grouped by), an array the cells of one table share.
/// </summary>
public sealed record StatisticCell(IReadOnlyList<string> Key, int[] Positions, long? Count, bool Suppressed)
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
        Description = "Children identified, released under differential privacy: every count carries noise, and a noisy count under the threshold is withheld. No answer, nor any set of answers within the budget, lets anyone learn about one child.";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StatisticCellType>>>, IEnumerable<StatisticCell>>("cells")
            .Description("Every cell of the table (each combination of the values of the dimensions grouped by), empty ones too; withheld ones have count null and suppressed true.")
            .Resolve(c => c.Source.Cells);
        Field<NonNullGraphType<SuppressibleCountType>, ProtectedCount>("total").Description("Measured with its own noise (not the sum of the cells).").Resolve(c => c.Source.Total);
        Field<NonNullGraphType<DisclosureControlReportType>, DisclosureReport>("disclosureControl").Resolve(c => c.Source.Report);
    }
}

public sealed class SuppressibleCountType : ObjectGraphType<ProtectedCount>
{
    public SuppressibleCountType()
    {
        Name = "SuppressibleCount";
        Description = "A noisy count, or null with suppressed: true when it was withheld.";
        Field<IntGraphType, long?>("count").Resolve(c => c.Source.Count);
        Field(c => c.Suppressed);
    }
}

public sealed class ReleaseSourceType : EnumerationGraphType
{
    public ReleaseSourceType()
    {
        Name = "ReleaseSource";
        Description = "Where an answer's noisy counts came from.";
        Add("FRESH", ReleaseSource.Fresh, "Measured for this question now, charged to the organisation's budget.");
        Add("REPEAT", ReleaseSource.Repeat, "The stored answer to the same question on the same data: identical, and free.");
        Add("PUBLISHED", ReleaseSource.Published, "Read from a published table, computed once a quarter from the published budget: free.");
    }
}

public sealed class AccuracyType : EnumerationGraphType
{
    public AccuracyType()
    {
        Name = "Accuracy";
        Description = "How accurate a table's counts must be; more accuracy costs more of the organisation's privacy-loss budget.";
        Add("LOW", Accuracy.Low, "rho 0.005: a cell's noise has standard deviation 14 (95% within ±28).");
        Add("STANDARD", Accuracy.Standard, "rho 0.02: standard deviation 7 (95% within ±14). The default.");
        Add("HIGH", Accuracy.High, "rho 0.1: standard deviation 3.2 (95% within ±6).");
    }
}

public sealed class PrivacyBudgetType : ObjectGraphType<PrivacyBudgetState>
{
    public PrivacyBudgetType()
    {
        Name = "PrivacyBudget";
        Description = "The organisation's privacy-loss budget for this quarter (all its clients and analysts together).";
        Field<NonNullGraphType<FloatGraphType>, double>("rhoPerQuarter").Resolve(c => (double)c.Source.RhoPerQuarter);
        Field<NonNullGraphType<FloatGraphType>, double>("rhoRemaining").Resolve(c => (double)c.Source.RhoRemaining);
        Field<NonNullGraphType<DateType>, DateOnly>("renewsOn").Description("The first day of the next quarter, when the budget is whole again.").Resolve(c => c.Source.RenewsOn);
    }
}

public sealed class DisclosureControlReportType : ObjectGraphType<DisclosureReport>
{
    /// <summary>The delta at which README and epsilon state the guarantee.</summary>
    public const double Delta = 1e-6;

    public DisclosureControlReportType()
    {
        Name = "DisclosureControlReport";
        Description = "How this answer was protected: differential privacy (the discrete Gaussian mechanism, rho-zCDP) and what it cost.";
        Field(r => r.Threshold).Description("A noisy count under the threshold is withheld.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>, IEnumerable<string>>("methods")
            .Resolve(_ => [DisclosureReport.DiscreteGaussian, DisclosureReport.ThresholdSuppression]);
        Field<NonNullGraphType<ReleaseSourceType>, ReleaseSource>("source").Resolve(c => c.Source.Source);
        Field<NonNullGraphType<FloatGraphType>, double>("rho").Description("The privacy loss the table was measured with (rho of zero-concentrated differential privacy).").Resolve(c => (double)c.Source.RhoOfRelease);
        Field<NonNullGraphType<FloatGraphType>, double>("epsilon").Description("The epsilon that rho implies at delta = 1e-6: rho + 2 sqrt(rho ln(1/delta)).").Resolve(c => Math.Round(PrivacyLoss.Epsilon((double)c.Source.RhoOfRelease, Delta), 4));
        Field<NonNullGraphType<FloatGraphType>, double>("rhoCharged").Description("What this answer cost the organisation: 0 for a repeat or a published table.").Resolve(c => (double)c.Source.RhoCharged);
        Field(r => r.StandardDeviation).Description("The standard deviation of the noise in one cell.");
        Field(r => r.MarginOfError95).Description("95 times in 100 a cell's noise is no larger than this, either way.");
        Field(r => r.TotalStandardDeviation).Description("The standard deviation of the total's noise.");
        Field(r => r.CellsSuppressed).Description("Cells withheld because their noisy count fell under the threshold.");
        Field<NonNullGraphType<IntGraphType>, int>("primarySuppressed").DeprecationReason("Use cellsSuppressed.").Resolve(c => c.Source.CellsSuppressed);
        Field<NonNullGraphType<IntGraphType>, int>("secondarySuppressed").DeprecationReason("Differential privacy makes secondary suppression unnecessary; always 0.").Resolve(_ => 0);
        Field<NonNullGraphType<PrivacyBudgetType>, PrivacyBudgetState>("budget").Resolve(c => c.Source.Budget);
        Field(r => r.PublishedTable, nullable: true).Description("The published table the answer was read from, when it was.");
        Field<StringGraphType, string?>("explanation").Description("In words, what was done.").Resolve(c => Explain(c.Source));
    }

    private static string Explain(DisclosureReport report) => report.Source switch
    {
        ReleaseSource.Published => $"Read from the published table {report.PublishedTable}, free. Each count carries noise of standard deviation {report.StandardDeviation}; 95 times in 100 it is within {report.MarginOfError95} of the true count. Counts under {report.Threshold} are withheld.",
        ReleaseSource.Repeat => $"The same answer as the first time this question was asked on this data, free. Each count carries noise of standard deviation {report.StandardDeviation}; counts under {report.Threshold} are withheld.",
        _ => $"Measured now for rho {report.RhoCharged}. Each count carries noise of standard deviation {report.StandardDeviation}; 95 times in 100 it is within {report.MarginOfError95} of the true count. Counts under {report.Threshold} are withheld.",
    };
}

public sealed class StatisticCellType : ObjectGraphType<StatisticCell>
{
    public StatisticCellType(GeographyCatalogue geography)
    {
        Name = "StatisticCell";
        Description = "One cell of the table; the dimensions not grouped by are null.";
        Field<ProvinceType, Province?>("province").Resolve(c => c.Source.Value(CaseDimension.Province) is { } p ? geography.Province(p) : null);
        Field<DistrictType, District?>("district").Description("Null for cases whose district is not known.").Resolve(c => c.Source.Value(CaseDimension.District) is { Length: > 0 } d ? geography.District(d) : null);
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
        Field<IntGraphType, long?>("count").Description("The noisy count; null when suppressed.").Resolve(c => c.Source.Count);
        Field(c => c.Suppressed);
    }

    private static T? Parse<T>(string? value)
        where T : struct, Enum => value is null ? null : Enum.Parse<T>(value);
}
