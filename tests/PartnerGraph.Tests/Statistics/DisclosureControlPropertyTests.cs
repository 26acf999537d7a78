using System.Globalization;
using System.Text;
using PartnerGraph.Domain.Statistics;

namespace PartnerGraph.Tests.Statistics;

/// <summary>
/// Properties of <see cref="DisclosureControl.Protect"/> over generated tables of one to three dimensions, 2 to 12
/// values each, random sparsity and counts skewed small, with and without perturbation.
/// </summary>
public sealed class DisclosureControlPropertyTests
{
    private const int Tables = 300;

    public static TheoryData<int> Seeds()
    {
        var seeds = new TheoryData<int>();
        for (var seed = 0; seed < Tables; seed++)
        {
            seeds.Add(seed);
        }

        return seeds;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void No_shown_count_is_below_the_threshold(int seed)
    {
        foreach (var (table, result) in ProtectBothWays(GeneratedTable.Create(seed)))
        {
            var k = table.Options.Threshold;
            foreach (var (raw, cell) in table.Cells.Zip(result.Cells))
            {
                Assert.True(cell.Count is null || cell.Count >= k, Failure(table, result, $"cell {Show(raw.Key)} shown as {cell.Count}"));
                Assert.Equal(raw.Count < k, cell.Suppression == SuppressionKind.Primary);
                Assert.Equal(cell.Suppressed, cell.Count is null);
            }

            Assert.True(result.Total.Count is null or 0 || result.Total.Count >= k, Failure(table, result, $"total shown as {result.Total.Count}"));
            Assert.Equal(table.Total.Count is > 0 && table.Total.Count < k, result.Total.Suppressed);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void No_line_with_a_shown_margin_has_exactly_one_withheld_cell(int seed)
    {
        foreach (var (table, result) in ProtectBothWays(GeneratedTable.Create(seed)))
        {
            var analysis = new TableAnalysis(table);
            foreach (var line in analysis.Lines)
            {
                var withheld = line.Members.Count(i => result.Cells[i].Suppressed);
                if (withheld == 1 && line.Margin >= table.Options.Threshold)
                {
                    // The one exception: a primary cell that published margins give away whatever is withheld.
                    var cell = line.Members.Single(i => result.Cells[i].Suppressed);
                    Assert.True(
                        result.Cells[cell].Suppression == SuppressionKind.Primary && !analysis.Hideable[cell],
                        Failure(table, result, $"line {line.Name} (margin {line.Margin}) has exactly one withheld cell"));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void A_partner_is_never_a_cell_that_a_margin_gives_away(int seed)
    {
        foreach (var (table, result) in ProtectBothWays(GeneratedTable.Create(seed)))
        {
            var analysis = new TableAnalysis(table);
            for (var i = 0; i < table.Cells.Count; i++)
            {
                if (result.Cells[i].Suppression == SuppressionKind.Secondary)
                {
                    Assert.False(
                        analysis.Lines.Any(line => line.Members.Count == 1 && line.Members[0] == i),
                        Failure(table, result, $"cell {Show(table.Cells[i].Key)} is alone in a line yet withheld as a partner"));
                    Assert.True(
                        analysis.Hideable[i],
                        Failure(table, result, $"cell {Show(table.Cells[i].Key)} cannot stay hidden yet is a partner"));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Shown_counts_are_within_two_of_the_truth_or_exact_without_perturbation(int seed)
    {
        foreach (var (table, result) in ProtectBothWays(GeneratedTable.Create(seed)))
        {
            var tolerance = table.Options.Perturbation ? 2 : 0;
            foreach (var (raw, cell) in table.Cells.Zip(result.Cells).Where(pair => pair.Second.Count is not null))
            {
                Assert.True(
                    Math.Abs(cell.Count!.Value - raw.Count) <= tolerance,
                    Failure(table, result, $"cell {Show(raw.Key)} counts {raw.Count} but is shown as {cell.Count}"));
            }

            if (result.Total.Count is { } shownTotal)
            {
                Assert.True(Math.Abs(shownTotal - table.Total.Count) <= tolerance, Failure(table, result, $"total shown as {shownTotal}"));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Protecting_twice_or_in_another_order_gives_the_same_answer(int seed)
    {
        foreach (var (table, first) in ProtectBothWays(GeneratedTable.Create(seed)))
        {
            var second = DisclosureControl.Protect(table.Cells, table.Total, table.Dimensions, table.Options);
            Assert.Equal(Dump(first), Dump(second));

            var shuffled = table.Cells.OrderBy(_ => Random.Shared.Next()).ToList();
            var reordered = DisclosureControl.Protect(shuffled, table.Total, table.Dimensions, table.Options);
            var byKey = reordered.Cells.ToDictionary(c => Show(c.Key));
            foreach (var cell in first.Cells)
            {
                Assert.Equal(cell, byKey[Show(cell.Key)] with { Key = cell.Key });
            }

            Assert.Equal(first.Total, reordered.Total);
            Assert.Equal(first.Report.Methods, reordered.Report.Methods);
            Assert.Equal(first.Report with { Methods = [] }, reordered.Report with { Methods = [] });
        }
    }

    /// <summary>
    /// The attacker's side of the secondary-suppression rule, on small two-dimensional tables shown exactly: from the
    /// cells shown, the zeros and every row, column and table margin of k or more, they subtract along any line with
    /// one unknown cell, and repeat with what they learnt. They recover only primary cells that no pattern of withheld
    /// cells could hide (such a cell's value follows from published margins whatever is withheld).
    /// </summary>
    [Theory]
    [MemberData(nameof(Seeds))]
    public void An_attacker_subtracting_shown_cells_from_margins_recovers_no_withheld_cell(int seed)
    {
        var table = GeneratedTable.Create(seed, dimensions: 2, maxValues: 5) with
        {
            Options = new DisclosureOptions { Threshold = 10, Perturbation = false },
        };
        var result = DisclosureControl.Protect(table.Cells, table.Total, table.Dimensions, table.Options);
        var analysis = new TableAnalysis(table);
        var publishedMargins = analysis.Lines.Where(line => line.Margin >= table.Options.Threshold).ToList();

        var known = result.Cells.Select(c => c.Count).ToArray();
        var learnt = true;
        while (learnt)
        {
            learnt = false;
            foreach (var line in publishedMargins)
            {
                var unknown = line.Members.Where(i => known[i] is null).ToList();
                if (unknown.Count == 1)
                {
                    var cell = unknown[0];
                    var recovered = line.Margin - line.Members.Where(i => i != cell).Sum(i => (long)known[i]!.Value);
                    Assert.Equal(table.Cells[cell].Count, recovered);
                    Assert.True(
                        !analysis.Hideable[cell],
                        Failure(table, result, $"line {line.Name} gives away cell {Show(table.Cells[cell].Key)} = {recovered}"));
                    known[cell] = (int)recovered;
                    learnt = true;
                }
            }
        }

        // And the cells no pattern could hide are exactly what the attacker gets: the analysis is the attacker's view.
        for (var i = 0; i < table.Cells.Count; i++)
        {
            Assert.True(known[i] is not null || analysis.Hideable[i], Failure(table, result, $"cell {Show(table.Cells[i].Key)} was thought unhideable"));
        }
    }

    [Fact]
    public void Generated_tables_exercise_secondary_suppression_and_are_mostly_protectable()
    {
        var unprotectable = 0;
        var withSecondary = 0;
        for (var seed = 0; seed < Tables; seed++)
        {
            var table = GeneratedTable.Create(seed);
            var result = DisclosureControl.Protect(table.Cells, table.Total, table.Dimensions, table.Options);
            var analysis = new TableAnalysis(table);
            unprotectable += Enumerable.Range(0, table.Cells.Count).Any(i => !analysis.Hideable[i] && table.Cells[i].Count < table.Options.Threshold) ? 1 : 0;
            withSecondary += result.Report.SecondarySuppressed > 0 ? 1 : 0;
        }

        // Otherwise the properties above would hold vacuously, or only through their exception.
        Assert.True(withSecondary > Tables / 2, $"{withSecondary} of {Tables} tables needed secondary suppression");
        Assert.True(unprotectable < Tables / 5, $"{unprotectable} of {Tables} tables had a primary cell no withholding can hide");
    }

    private static IEnumerable<(GeneratedTable Table, ProtectedTable Result)> ProtectBothWays(GeneratedTable table)
    {
        foreach (var perturbation in new[] { true, false })
        {
            var variant = table with { Options = table.Options with { Perturbation = perturbation } };
            yield return (variant, DisclosureControl.Protect(variant.Cells, variant.Total, variant.Dimensions, variant.Options));
        }
    }

    private static string Show(IReadOnlyList<string> key) => string.Join("|", key);

    private static string Dump(ProtectedTable result)
    {
        var text = new StringBuilder();
        foreach (var cell in result.Cells)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Show(cell.Key)}={cell.Count?.ToString(CultureInfo.InvariantCulture) ?? "-"}/{cell.Suppression};");
        }

        text.Append(CultureInfo.InvariantCulture, $"total={result.Total};report={result.Report with { Methods = [] }};{string.Join(",", result.Report.Methods)}");
        return text.ToString();
    }

    private static string Failure(GeneratedTable table, ProtectedTable result, string problem)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Seed {table.Seed}: {problem}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"{table.Dimensions} dimensions, k = {table.Options.Threshold}, perturbation {table.Options.Perturbation}, total {table.Total.Count} shown as {result.Total.Count?.ToString(CultureInfo.InvariantCulture) ?? "-"}");
        foreach (var (raw, cell) in table.Cells.Zip(result.Cells))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {Show(raw.Key),-12} {raw.Count,5} -> {cell.Count?.ToString(CultureInfo.InvariantCulture) ?? "-",5} {cell.Suppression}");
        }

        return text.ToString();
    }
}

/// <summary>A generated table with its true counts, and the lines whose margins other queries publish.</summary>
internal sealed record GeneratedTable(int Seed, int Dimensions, IReadOnlyList<RawCell> Cells, RawCell Total, DisclosureOptions Options)
{
    public static GeneratedTable Create(int seed, int? dimensions = null, int maxValues = 12)
    {
        var random = new Random(seed);
        var dimensionCount = dimensions ?? random.Next(1, 4);
        var sizes = Enumerable.Range(0, dimensionCount).Select(_ => random.Next(2, maxValues + 1)).ToArray();
        var density = 0.15 + (random.NextDouble() * 0.85);
        var threshold = new[] { 10, 10, 10, 11, 5, 3 }[random.Next(6)];

        var cells = new List<RawCell>();
        foreach (var key in Combinations(sizes))
        {
            if (random.NextDouble() < density)
            {
                var count = random.NextDouble() switch
                {
                    < 0.5 => random.Next(1, 10),
                    < 0.8 => random.Next(10, 31),
                    _ => random.Next(31, 301),
                };
                var keySum = Enumerable.Range(0, count).Sum(_ => (long)random.Next(DisclosureControl.CellKeyRange));
                cells.Add(new RawCell(key, count, keySum));
            }
        }

        // Database order is arbitrary; the protection must not depend on it.
        cells = [.. cells.OrderBy(_ => random.Next())];
        var total = new RawCell([], cells.Sum(c => c.Count), cells.Sum(c => c.KeySum));
        return new GeneratedTable(seed, dimensionCount, cells, total, new DisclosureOptions { Threshold = threshold, Perturbation = random.Next(2) == 0 });
    }

    /// <summary>Every line along every dimension, then the whole table, each with its true margin.</summary>
    public IEnumerable<TableLine> Lines()
    {
        for (var along = 0; along < Dimensions; along++)
        {
            var dimension = along;
            foreach (var group in Enumerable.Range(0, Cells.Count).GroupBy(i => LineName(Cells[i].Key, dimension), StringComparer.Ordinal))
            {
                yield return new TableLine(group.Key, [.. group], group.Sum(i => (long)Cells[i].Count));
            }
        }

        yield return new TableLine("whole table", [.. Enumerable.Range(0, Cells.Count)], Total.Count);
    }

    private static string LineName(IReadOnlyList<string> key, int along) =>
        string.Join("|", key.Select((value, i) => i == along ? "*" : value));

    private static IEnumerable<string[]> Combinations(int[] sizes)
    {
        IEnumerable<string[]> keys = [[]];
        for (var d = 0; d < sizes.Length; d++)
        {
            var name = (char)('A' + d);
            var size = sizes[d];
            keys = keys.SelectMany(prefix => Enumerable.Range(0, size).Select(v => (string[])[.. prefix, string.Create(CultureInfo.InvariantCulture, $"{name}{v:00}")]));
        }

        return keys;
    }
}

internal sealed record TableLine(string Name, IReadOnlyList<int> Members, long Margin);

/// <summary>
/// What any protection of a table by withholding can achieve, worked out by brute force independently of the code
/// under test: a published line (margin of k or more) whose cells are all known but one gives that one away, so
/// dropping such cells until none is left yields the cells that some pattern can keep hidden.
/// </summary>
internal sealed class TableAnalysis
{
    private readonly GeneratedTable table;

    public TableAnalysis(GeneratedTable table)
    {
        this.table = table;
        Lines = [.. table.Lines()];
        Hideable = HideableCells();
    }

    public IReadOnlyList<TableLine> Lines { get; }

    public IReadOnlyList<bool> Hideable { get; }

    private bool[] HideableCells()
    {
        var hideable = Enumerable.Repeat(true, table.Cells.Count).ToArray();
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var line in Lines.Where(line => line.Margin >= table.Options.Threshold))
            {
                var candidates = line.Members.Where(i => hideable[i]).ToList();
                if (candidates.Count == 1)
                {
                    hideable[candidates[0]] = false;
                    changed = true;
                }
            }
        }

        return hideable;
    }
}
