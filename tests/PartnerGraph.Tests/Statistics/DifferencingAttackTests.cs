using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using PartnerGraph.Domain.Cases;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Statistics;

/// <summary>
/// The attacks that took the old statistics apart, run by a seeded attacker with an ordinary token against a started
/// server until its organisation's budget is spent: averaging differences of totals to recover small counts, a
/// district-by-year table for the rest, and a child's record rebuilt attribute by attribute from where and when the
/// child was identified.
/// </summary>
public sealed class DifferencingAttackTests
{
    /// <summary>The organisation's budget, and the published tables' (which the attacker reads too, and which hold every count).</summary>
    private const double Budget = 0.5;

    private const double Published = 1.0;

    /// <summary>
    /// The bound. Under rho-zCDP, everything an organisation can learn about one count, over all its answers and the
    /// published tables, is worth at most one measurement of that count with Gaussian noise of variance 1 / (2 rho), rho
    /// being all it could have spent on that count: its whole budget (0.5) and the whole published budget (1.0), since
    /// a count can be in every table. The best estimate is then exact with probability at most P(X = 0) for that noise,
    /// 0.69 at rho 1.5. Over N small counts, the attacker recovers at most N p + 3 sqrt(N p (1 - p)) exactly, but for a
    /// chance of about 1 in 700. The same attack without noise recovers every count it targets, which the test also
    /// shows, so that it can fail.
    /// </summary>
    [Fact]
    public async Task A_seeded_attacker_spending_the_whole_budget_recovers_no_more_small_counts_than_the_noise_allows_and_no_child()
    {
        var database = await TestDatabase.CopyAsync();
        var truth = await TruthAsync(database);
        var random = new Random(2026);
        var targets = truth.SmallCells.OrderBy(_ => random.Next()).Take(140).ToList();
        Assert.True(targets.Count >= 100, $"The demo data has {targets.Count} district-years counting 1 to 9 children.");

        var environment = new Dictionary<string, string> { ["GraphQL__Limits__Burst"] = "500", ["GraphQL__Limits__RequestsPerMinute"] = "60000" };
        await using var server = await ServerProcess.StartAsync(environment, database);
        using var http = new HttpClient();
        var token = await server.TokenAsync();
        var attacker = new Attacker(http, server.Url, token);

        // 1. Averaging differences: total(S + D) - total(S) in year Y, for sets S of other districts of D's province.
        var differences = new Dictionary<(string District, int Year), List<long>>();
        var plans = targets.Select(t => (Target: t, Others: truth.DistrictsOf(t.District[..2]).Where(d => d != t.District).OrderBy(_ => random.Next()).ToList())).ToList();
        foreach (var (target, others) in plans.Take(28))
        {
            var set = others.Take(Math.Max(1, others.Count / 2)).ToList();
            var with = await attacker.TotalAsync([.. set, target.District], target.Year, 0.005);
            var without = await attacker.TotalAsync(set, target.Year, 0.005);
            if (with is { } a && without is { } b)
            {
                differences.GetOrAddList(target.Key).Add(a - b);
            }
        }

        // 2. The district-by-year table at a high accuracy: small cells are mostly withheld; the few shown are estimates too.
        var table = await attacker.TableAsync("{ caseStatistics(filter: { period: { from: \"2017-01-01\", to: \"2026-12-31\" } }, groupBy: [DISTRICT, YEAR], rho: 0.1) { cells { district { code } year count } disclosureControl { rhoCharged } } }");
        var shown = table.OfType<JsonNode>().Where(c => c["district"] is JsonObject && c["count"] is not null)
            .ToDictionary(c => (c["district"]!["code"]!.GetValue<string>(), c["year"]!.GetValue<int>()), c => c["count"]!.GetValue<long>());

        // 3. Three children whose district and day the attacker knows, alone on that day there: each attribute asked.
        var rebuilt = 0;
        foreach (var child in truth.LoneChildren.Take(3))
        {
            var guessed = new List<string?>();
            foreach (var (dimension, field) in Attributes)
            {
                var cells = await attacker.TableAsync($$"""{ caseStatistics(filter: { districts: ["{{child.District}}"], period: { from: "{{child.Day}}", to: "{{child.Day}}" } }, groupBy: [{{dimension}}], accuracy: LOW) { cells { {{field}} count } disclosureControl { rhoCharged } } }""");
                guessed.Add(cells.OfType<JsonNode>().Where(c => c["count"] is not null).OrderByDescending(c => c["count"]!.GetValue<long>()).Select(c => c[field]!.GetValue<string>()).FirstOrDefault());
            }

            rebuilt += guessed.SequenceEqual(child.Attributes) ? 1 : 0;
        }

        // 4. The attacker goes on until the budget stops it.
        var bangkok = truth.DistrictsOf("10");
        for (var i = 0; i < 200 && !attacker.Exhausted; i++)
        {
            await attacker.TotalAsync([bangkok[i % bangkok.Count]], 2017 + (i / bangkok.Count % 10), 0.005);
        }

        Assert.True(attacker.Exhausted, "The budget never stopped the attacker.");
        Assert.InRange(attacker.RhoSpent, (decimal)Budget - 0.005m, (decimal)Budget);

        var exact = targets.Count(t =>
            (differences.TryGetValue(t.Key, out var d) && Math.Round(d.Average()) == t.Count)
            || (!differences.ContainsKey(t.Key) && shown.TryGetValue(t.Key, out var s) && s == t.Count));
        var p = DiscreteGaussianZero(1 / (2 * (Budget + Published)));
        var bound = (targets.Count * p) + (3 * Math.Sqrt(targets.Count * p * (1 - p)));
        Assert.True(exact <= bound, $"{exact} of {targets.Count} small counts recovered exactly; the noise allows at most {bound:0.0}.");
        Assert.Equal(0, rebuilt);

        // The same differences on the true counts (what the old statistics gave away) recover every count targeted.
        var withoutNoise = 0;
        foreach (var (target, others) in plans)
        {
            var set = others.Take(Math.Max(1, others.Count / 2)).ToList();
            withoutNoise += truth.Total([.. set, target.District], target.Year) - truth.Total(set, target.Year) == target.Count ? 1 : 0;
        }

        Assert.True(withoutNoise > bound, $"Without noise the attack recovers {withoutNoise} of {targets.Count}; the bound is {bound:0.0}.");
    }

    private static readonly (string Dimension, string Field)[] Attributes =
    [
        ("AGE_BAND", "ageBand"), ("SEX", "sex"), ("POPULATION_GROUP", "populationGroup"),
        ("EXPLOITATION_TYPE", "exploitationType"), ("VICTIM_STATUS", "victimStatus"), ("IDENTIFICATION_SOURCE", "identificationSource"),
    ];

    /// <summary>P(X = 0) for the discrete Gaussian of parameter sigma^2: 1 / sum over x of exp(-x^2 / (2 sigma^2)).</summary>
    private static double DiscreteGaussianZero(double sigmaSquared) =>
        1 / Enumerable.Range(-200, 401).Sum(x => Math.Exp(-(double)x * x / (2 * sigmaSquared)));

    private static async Task<Truth> TruthAsync(string database)
    {
        await using var connection = new SqliteConnection(TestDatabase.ConnectionString(database));
        await connection.OpenAsync();
        var counts = new Dictionary<(string, int), int>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT DistrictCode, CAST(strftime('%Y', IdentifiedOn) AS INTEGER), COUNT(*) FROM CaseRecords WHERE DistrictCode IS NOT NULL GROUP BY 1, 2";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                counts[(reader.GetString(0), reader.GetInt32(1))] = reader.GetInt32(2);
            }
        }

        var districts = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT Code FROM Districts ORDER BY Code";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                districts.Add(reader.GetString(0));
            }
        }

        var lone = new List<LoneChild>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT c.DistrictCode, c.IdentifiedOn, c.AgeBand, c.Sex, c.PopulationGroup, c.ExploitationType, c.VictimStatus, c.IdentificationSource
                FROM CaseRecords c WHERE c.DistrictCode IS NOT NULL
                AND (SELECT COUNT(*) FROM CaseRecords o WHERE o.DistrictCode = c.DistrictCode AND o.IdentifiedOn = c.IdentifiedOn) = 1
                ORDER BY c.Id LIMIT 3
                """;
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                lone.Add(new LoneChild(reader.GetString(0), reader.GetString(1), [
                    Name(CaseVocabulary.AgeBands, reader.GetString(2)), Name(CaseVocabulary.Sexes, reader.GetString(3)),
                    Name(CaseVocabulary.PopulationGroups, reader.GetString(4)), Name(CaseVocabulary.ExploitationTypes, reader.GetString(5)),
                    Name(CaseVocabulary.VictimStatuses, reader.GetString(6)), Name(CaseVocabulary.IdentificationSources, reader.GetString(7))]));
            }
        }

        return new Truth(counts, districts, lone);
    }

    /// <summary>A stored enum value as the schema names it (Age12To14 is AGE_12_14).</summary>
    private static string Name<T>(CodeList<T> codes, string stored)
        where T : struct, Enum => codes.Codes.Single(c => c.Value.ToString() == stored).Name;

    private sealed record SmallCell(string District, int Year, int Count)
    {
        public (string, int) Key => (District, Year);
    }

    private sealed record LoneChild(string District, string Day, IReadOnlyList<string?> Attributes);

    private sealed class Truth(Dictionary<(string District, int Year), int> counts, List<string> districts, List<LoneChild> lone)
    {
        public IEnumerable<SmallCell> SmallCells => counts.Where(c => c.Value is > 0 and < 10).OrderBy(c => c.Key).Select(c => new SmallCell(c.Key.District, c.Key.Year, c.Value));

        public IReadOnlyList<LoneChild> LoneChildren => lone;

        public List<string> DistrictsOf(string province) => districts.Where(d => d.StartsWith(province, StringComparison.Ordinal)).ToList();

        public int Total(IEnumerable<string> set, int year) => set.Sum(d => counts.GetValueOrDefault((d, year)));
    }

    /// <summary>The attacker's client: it counts the rho it was charged and notices when the budget refuses it.</summary>
    private sealed class Attacker(HttpClient http, Uri server, string token)
    {
        public bool Exhausted { get; private set; }

        public decimal RhoSpent { get; private set; }

        public async Task<long?> TotalAsync(IReadOnlyList<string> districts, int year, double rho)
        {
            // Every sex, so the same children: a filter no published table holds, so that each total is measured and charged.
            var query = $$"""{ caseStatistics(filter: { sexes: [FEMALE, MALE, OTHER, UNKNOWN], districts: {{JsonSerializer.Serialize(districts)}}, period: { from: "{{year}}-01-01", to: "{{year}}-12-31" } }, groupBy: [], rho: {{rho.ToString(CultureInfo.InvariantCulture)}}) { total { count } disclosureControl { rhoCharged } } }""";
            var statistics = await PostAsync(query);
            return statistics?["total"]?["count"]?.GetValue<long>();
        }

        public async Task<JsonArray> TableAsync(string query) => (await PostAsync(query))?["cells"]?.AsArray() ?? [];

        private async Task<JsonNode?> PostAsync(string query)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/graphql"))
            {
                Content = new StringContent(JsonSerializer.Serialize(new { query }), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var code = body["errors"]?[0]?["extensions"]?["code"]?.GetValue<string>();
            if (code == "PRIVACY_BUDGET_EXHAUSTED")
            {
                Exhausted = true;
                return null;
            }

            Assert.True(code is null, body.ToJsonString());
            var statistics = body["data"]!["caseStatistics"]!;
            RhoSpent += statistics["disclosureControl"]?["rhoCharged"]?.GetValue<decimal>() ?? 0;
            return statistics;
        }
    }
}

internal static class DictionaryOfLists
{
    public static List<TValue> GetOrAddList<TKey, TValue>(this Dictionary<TKey, List<TValue>> dictionary, TKey key)
        where TKey : notnull
    {
        if (!dictionary.TryGetValue(key, out var list))
        {
            dictionary[key] = list = [];
        }

        return list;
    }
}
