using PartnerGraph.Domain.Cases;

namespace PartnerGraph.GraphQL.Statistics;

/// <summary>Configuration section "Statistics": how counts about children are released.</summary>
public sealed class StatisticsOptions
{
    public const string Section = "Statistics";

    /// <summary>k: a noisy count under k is shown as suppressed (ONS and UK LLC practice is 10; CTDC publishes with 11).</summary>
    public int Threshold { get; set; } = 10;

    /// <summary>Read the maintained cubes where one covers the table; off, every table is counted from the case records.</summary>
    public bool UseCubes { get; set; } = true;

    /// <summary>The most dimensions one table may be grouped by.</summary>
    public int MaxDimensions { get; set; } = 4;

    /// <summary>The most cells one table may have (every combination of its dimensions' values, empty ones too).</summary>
    public int MaxCells { get; set; } = 20_000;

    /// <summary>The first year case records are kept for: a table with no period counts from 1 January of it to the end of this year.</summary>
    public int FirstYear { get; set; } = 2017;

    public PrivacyOptions Privacy { get; set; } = new();

    /// <summary>
    /// The standard tables, computed once a quarter from <see cref="PrivacyOptions.PublishedRhoPerQuarter"/> (shared
    /// equally) and served free to every organisation whose agreement allows their granularity.
    /// </summary>
    public List<PublishedTableOptions> Published { get; set; } = [];

    /// <summary>What is published: the configured tables, or the five standard ones when configuration lists none.</summary>
    public IReadOnlyList<PublishedTableOptions> PublishedTables => Published.Count > 0 ? Published : DefaultPublished;

    public static readonly IReadOnlyList<PublishedTableOptions> DefaultPublished =
    [
        new() { Name = "children-by-province-and-year", GroupBy = [CaseDimension.Province, CaseDimension.Year] },
        new() { Name = "exploitation-by-age-band-and-victim-status", GroupBy = [CaseDimension.ExploitationType, CaseDimension.AgeBand, CaseDimension.VictimStatus] },
        new() { Name = "province-by-quarter-by-sex", GroupBy = [CaseDimension.Province, CaseDimension.Quarter, CaseDimension.Sex] },
        new() { Name = "coverage-gaps-by-province-and-quarter", GroupBy = [CaseDimension.Province, CaseDimension.Quarter] },
        new() { Name = "coverage-gaps-by-district-and-year", GroupBy = [CaseDimension.District, CaseDimension.Year] },
    ];
}

/// <summary>Section "Statistics:Privacy": the budgets of privacy loss (rho of zero-concentrated differential privacy).</summary>
public sealed class PrivacyOptions
{
    /// <summary>Each organisation's budget per quarter, unless `budgets set` gave it another.</summary>
    public decimal RhoPerQuarter { get; set; } = 0.5m;

    /// <summary>The cap over everything released in a quarter: every organisation's charges and the published tables.</summary>
    public decimal SystemRhoPerQuarter { get; set; } = 10m;

    /// <summary>The budget the published tables are computed from each quarter, shared equally between them.</summary>
    public decimal PublishedRhoPerQuarter { get; set; } = 1m;
}

/// <summary>One published table: a name and the dimensions it is grouped by (over every year kept, with no filter).</summary>
public sealed class PublishedTableOptions
{
    public string Name { get; set; } = "";
    public List<CaseDimension> GroupBy { get; set; } = [];
}
