using System.Globalization;
using PartnerGraph.Domain.Cases;

namespace PartnerGraph.Data;

/// <summary>
/// The cubes of a range of case records counted at once on SQLite, for the bulk writer: instead of its insert trigger
/// (seven upserts for every row), one INSERT ... SELECT ... GROUP BY ... ON CONFLICT DO UPDATE per cube adds the
/// rows' counts to the cells they fall in. Each statement is written from <see cref="CaseCubes.All"/> with the
/// trigger's expressions (a record without a district counts under '', the month as year * 100 + month, a quarter
/// as its first month), so a cell counted here is the cell the trigger would have counted.
/// </summary>
public static class SqliteCaseCubes
{
    /// <summary>The insert trigger the migrations keep on the case records, and the bulk writer lifts while it writes.</summary>
    public const string InsertTrigger = "CaseRecords_CaseCounts_Insert";

    /// <summary>The name of the parameters bounding the range: records with <c>@from &lt; Id &lt;= @to</c>.</summary>
    public const string From = "@from";

    /// <inheritdoc cref="From"/>
    public const string To = "@to";

    private const string CubeColumns = "\"Cube\", \"ProvinceCode\", \"DistrictCode\", \"MonthKey\", \"AgeBand\", \"Sex\", \"Nationality\", \"PopulationGroup\", \"ExploitationType\", \"VictimStatus\", \"IdentificationSource\"";

    /// <summary>One statement per cube, for the case records whose Id is above @from and at most @to.</summary>
    public static IReadOnlyList<string> AddRange { get; } = CaseCubes.All.Select(AddRangeOf).ToList();

    private static string AddRangeOf(CaseCube cube)
    {
        string Kept(CaseDimension dimension, string column) => cube.Dimensions.Contains(dimension) ? column : "''";

        var monthKey = cube.Grain switch
        {
            CubeGrain.Month => "CAST(strftime('%Y%m', \"IdentifiedOn\") AS INTEGER)",
            CubeGrain.Quarter => "CAST(strftime('%Y', \"IdentifiedOn\") AS INTEGER) * 100 + (CAST(strftime('%m', \"IdentifiedOn\") AS INTEGER) - 1) / 3 * 3 + 1",
            _ => throw new ArgumentOutOfRangeException(nameof(cube), cube.Grain, "A cube grain without its month key."),
        };
        string[] keys =
        [
            "\"ProvinceCode\"",
            Kept(CaseDimension.District, "COALESCE(\"DistrictCode\", '')"),
            monthKey,
            Kept(CaseDimension.AgeBand, "\"AgeBand\""),
            Kept(CaseDimension.Sex, "\"Sex\""),
            Kept(CaseDimension.Nationality, "\"Nationality\""),
            Kept(CaseDimension.PopulationGroup, "\"PopulationGroup\""),
            Kept(CaseDimension.ExploitationType, "\"ExploitationType\""),
            Kept(CaseDimension.VictimStatus, "\"VictimStatus\""),
            Kept(CaseDimension.IdentificationSource, "\"IdentificationSource\""),
        ];
        var unknown = cube.Dimensions.Except([CaseDimension.Province, CaseDimension.Month, CaseDimension.District, CaseDimension.AgeBand, CaseDimension.Sex, CaseDimension.Nationality, CaseDimension.PopulationGroup, CaseDimension.ExploitationType, CaseDimension.VictimStatus, CaseDimension.IdentificationSource]).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException($"The cube {cube.Name} keeps {string.Join(", ", unknown)}, which CaseCounts has no column for.");
        }

        // "WHERE" before ON CONFLICT also keeps SQLite's parser from reading the upsert as a join's ON.
        return string.Create(
            CultureInfo.InvariantCulture,
            $"""
            INSERT INTO "CaseCounts" ({CubeColumns}, "Count")
            SELECT '{cube.Name}', {string.Join(", ", keys)}, COUNT(*) FROM "CaseRecords"
            WHERE "Id" > {From} AND "Id" <= {To}
            GROUP BY {string.Join(", ", keys)}
            ON CONFLICT ({CubeColumns}) DO UPDATE SET "Count" = "Count" + excluded."Count"
            """);
    }
}
