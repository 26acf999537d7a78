using PartnerGraph.Domain.Statistics;

namespace PartnerGraph.Tests.Statistics;

public sealed class DisclosureControlTests
{
    private static readonly DisclosureOptions Exact = new() { Threshold = 10, Perturbation = false };
    private static readonly DisclosureOptions Perturbed = new() { Threshold = 10, Perturbation = true };

    [Fact]
    public void Cell_below_threshold_is_suppressed()
    {
        var result = Protect(Exact, ("A", 9), ("B", 30), ("C", 40));

        Assert.Null(Cell(result, "A").Count);
        Assert.Equal(SuppressionKind.Primary, Cell(result, "A").Suppression);
        Assert.True(Cell(result, "A").Suppressed);
    }

    [Fact]
    public void Cell_at_threshold_is_shown()
    {
        var result = Protect(Exact, ("A", 10), ("B", 30));

        Assert.Equal(10, Cell(result, "A").Count);
        Assert.Equal(SuppressionKind.None, Cell(result, "A").Suppression);
        Assert.All(result.Cells, cell => Assert.False(cell.Suppressed));
        Assert.Null(result.Report.Explanation);
    }

    [Fact]
    public void A_single_suppressed_cell_in_a_row_gets_a_partner()
    {
        var result = Protect(
            Exact,
            ("R1|C1", 3), ("R1|C2", 20), ("R1|C3", 25),
            ("R2|C1", 30), ("R2|C2", 12), ("R2|C3", 40),
            ("R3|C1", 35), ("R3|C2", 50), ("R3|C3", 15));

        // Row R1 takes its smallest other cell; that leaves column C2 with one, which takes (R2, C2), and so on.
        Assert.Equal(SuppressionKind.Primary, Cell(result, "R1|C1").Suppression);
        Assert.Equal(SuppressionKind.Secondary, Cell(result, "R1|C2").Suppression);
        Assert.Equal(SuppressionKind.Secondary, Cell(result, "R2|C1").Suppression);
        Assert.Equal(SuppressionKind.Secondary, Cell(result, "R2|C2").Suppression);
        Assert.Equal(4, result.Cells.Count(c => c.Suppressed));
        Assert.Equal(15, Cell(result, "R3|C3").Count);
    }

    [Fact]
    public void Partner_is_the_smallest_cell_and_ties_are_broken_by_key()
    {
        var result = Protect(Exact, ("A", 3), ("D", 20), ("C", 20), ("B", 25));

        Assert.Equal(SuppressionKind.Secondary, Cell(result, "C").Suppression);
        Assert.False(Cell(result, "D").Suppressed);
        Assert.False(Cell(result, "B").Suppressed);
    }

    [Fact]
    public void Total_is_a_margin_for_a_one_dimensional_table()
    {
        var result = Protect(Exact, ("A", 5), ("B", 40), ("C", 60));

        Assert.Equal(SuppressionKind.Secondary, Cell(result, "B").Suppression);
        Assert.Equal(new ProtectedCount(105, false), result.Total);
    }

    [Fact]
    public void Total_is_a_margin_for_a_two_dimensional_table_too()
    {
        // (R1, C1) is alone in its row and column, whose margins are small and withheld, but the total is shown.
        var result = Protect(Exact, ("R1|C1", 4), ("R2|C2", 30), ("R2|C3", 40), ("R3|C2", 50), ("R3|C3", 60));

        Assert.Equal(SuppressionKind.Secondary, Cell(result, "R2|C2").Suppression);
        Assert.All(result.Cells, cell => Assert.True(cell.Suppressed));
        Assert.Equal(184, result.Total.Count);
    }

    [Fact]
    public void A_cell_alone_in_a_line_is_never_chosen_as_partner()
    {
        // (R1, C2) is the only cell of column C2: that column's margin would give it away even if it were withheld.
        var result = Protect(
            Exact,
            ("R1|C1", 3), ("R1|C2", 15), ("R1|C3", 40),
            ("R2|C3", 50), ("R2|C4", 20),
            ("R3|C3", 60), ("R3|C4", 25));

        Assert.Equal(15, Cell(result, "R1|C2").Count);
        Assert.Equal(SuppressionKind.Secondary, Cell(result, "R1|C3").Suppression);
    }

    [Fact]
    public void A_line_beyond_the_reach_of_withholding_is_left_to_the_perturbation()
    {
        // Column C2's margin publishes (R1, C2) whatever is done here, so withholding it would hide nothing.
        var result = Protect(Exact, ("R1|C1", 3), ("R1|C2", 50));

        Assert.Equal(50, Cell(result, "R1|C2").Count);
        Assert.Equal(0, result.Report.SecondarySuppressed);
    }

    [Fact]
    public void A_cell_that_margins_give_away_anyway_protects_no_other_cell()
    {
        // (A2, B0) is alone in column B0, so row A2's margin gives (A2, B1) away; withholding (A1, B1) as its partner
        // in column B1 would be undone by the column margin, and then (A1, B2) too by row A1's.
        var result = Protect(Exact, ("A1|B1", 176), ("A2|B0", 14), ("A1|B2", 6), ("A2|B1", 1));

        Assert.Equal(176, Cell(result, "A1|B1").Count);
        Assert.Equal(0, result.Report.SecondarySuppressed);
        Assert.Equal(2, result.Report.PrimarySuppressed);
    }

    [Fact]
    public void Small_total_is_suppressed()
    {
        var result = Protect(Exact, ("A", 3), ("B", 4));

        Assert.Equal(new ProtectedCount(null, true), result.Total);
        Assert.All(result.Cells, cell => Assert.Equal(SuppressionKind.Primary, cell.Suppression));
        Assert.Equal(3, result.Report.PrimarySuppressed);
        Assert.Equal(0, result.Report.SecondarySuppressed);
        Assert.Equal("2 cells and the total counted 1 to 9 children and were withheld.", result.Report.Explanation);
    }

    [Fact]
    public void Empty_table_shows_a_zero_total()
    {
        var result = DisclosureControl.Protect([], new RawCell([], 0, 0), 2, Perturbed);

        Assert.Empty(result.Cells);
        Assert.Equal(new ProtectedCount(0, false), result.Total);
        Assert.Equal(0, result.Report.PrimarySuppressed);
        Assert.Null(result.Report.Explanation);
    }

    [Fact]
    public void Cells_keep_the_input_order()
    {
        var result = Protect(Exact, ("C", 30), ("A", 3), ("B", 40));

        Assert.Equal(["C", "A", "B"], result.Cells.Select(c => c.Key[0]));
    }

    [Fact]
    public void Same_cell_always_gets_the_same_figure()
    {
        var cell = new RawCell(["BANGKOK"], 57, 7_301);
        var alone = DisclosureControl.Protect([cell], cell with { Key = [] }, 1, Perturbed);
        var withOthers = DisclosureControl.Protect(
            [new RawCell(["CHIANG_MAI"], 40, 5_000), cell],
            new RawCell([], 97, 12_301),
            1,
            Perturbed);

        var figure = DisclosureControl.Perturb(57, 7_301, Perturbed);
        Assert.Equal(figure, DisclosureControl.Perturb(57, 7_301, Perturbed));
        Assert.Equal(figure, alone.Cells[0].Count);
        Assert.Equal(figure, withOthers.Cells[1].Count);
        Assert.Equal(DisclosureControl.Perturb(97, 12_301, Perturbed), withOthers.Total.Count);
    }

    [Fact]
    public void Perturbation_moves_a_count_by_its_cell_key()
    {
        var up = KeySumAdjusting(+2);
        var down = KeySumAdjusting(-1);

        Assert.Equal(52, DisclosureControl.Perturb(50, up, Perturbed));
        Assert.Equal(52, DisclosureControl.Perturb(50, up + DisclosureControl.CellKeyRange, Perturbed));
        Assert.Equal(49, DisclosureControl.Perturb(50, down, Perturbed));
        Assert.Equal(52, Protect(Perturbed, ("A", 50, up), ("B", 60, 0)).Cells[0].Count);
    }

    [Fact]
    public void Perturbation_never_shows_a_count_below_the_threshold()
    {
        foreach (var threshold in new[] { 1, 2, 3, 10, 11 })
        {
            var options = Perturbed with { Threshold = threshold };
            for (var count = threshold; count < threshold + 4; count++)
            {
                for (var keySum = 0L; keySum < DisclosureControl.CellKeyRange; keySum++)
                {
                    var shown = DisclosureControl.Perturb(count, keySum, options);
                    Assert.True(shown >= threshold && shown >= 1, $"k = {threshold}: {count} with key {keySum} shown as {shown}");
                }
            }
        }

        Assert.Equal(10, Protect(Perturbed, ("A", 10, KeySumAdjusting(-2)), ("B", 60, 0)).Cells[0].Count);
    }

    [Fact]
    public void Perturb_keeps_zero_and_small_counts_on_their_side_of_the_threshold()
    {
        for (var keySum = 0L; keySum < DisclosureControl.CellKeyRange; keySum++)
        {
            Assert.Equal(0, DisclosureControl.Perturb(0, keySum, Perturbed));
            Assert.InRange(DisclosureControl.Perturb(1, keySum, Perturbed), 1, 9);
            Assert.InRange(DisclosureControl.Perturb(9, keySum, Perturbed), 1, 9);
        }
    }

    [Fact]
    public void Perturbation_off_shows_exact_counts()
    {
        var result = Protect(Exact, ("A", 10, KeySumAdjusting(-2)), ("B", 57, KeySumAdjusting(2)));

        Assert.Equal([10, 57], result.Cells.Select(c => c.Count));
        Assert.Equal(67, result.Total.Count);
        Assert.Equal(57, DisclosureControl.Perturb(57, KeySumAdjusting(2), Exact));
    }

    [Fact]
    public void Perturbation_table_is_symmetric_with_zero_mean_and_mostly_zeros()
    {
        var adjustments = Enumerable.Range(0, DisclosureControl.CellKeyRange)
            .Select(key => DisclosureControl.Perturb(1_000, key, Perturbed) - 1_000)
            .ToList();

        Assert.Equal(0, adjustments.Sum());
        Assert.All(adjustments, a => Assert.InRange(a, -2, 2));
        Assert.True(adjustments.Count(a => a == 0) > DisclosureControl.CellKeyRange / 2);
        Assert.Equal(adjustments.Count(a => a == 1), adjustments.Count(a => a == -1));
        Assert.Equal(adjustments.Count(a => a == 2), adjustments.Count(a => a == -2));
        Assert.Contains(2, adjustments);
    }

    [Fact]
    public void Report_counts_primary_and_secondary()
    {
        var result = Protect(
            Perturbed,
            ("R1|C1", 3), ("R1|C2", 20), ("R1|C3", 25),
            ("R2|C1", 30), ("R2|C2", 12), ("R2|C3", 40),
            ("R3|C1", 35), ("R3|C2", 50), ("R3|C3", 15));

        Assert.Equal(10, result.Report.Threshold);
        Assert.Equal(1, result.Report.PrimarySuppressed);
        Assert.Equal(3, result.Report.SecondarySuppressed);
        Assert.Equal(
            [DisclosureMethod.PrimarySuppression, DisclosureMethod.SecondarySuppression, DisclosureMethod.CellKeyPerturbation],
            result.Report.Methods);
        Assert.Equal(
            "1 cell counted 1 to 9 children and was withheld; 3 more were withheld so that it cannot be worked out from the totals.",
            result.Report.Explanation);
    }

    [Fact]
    public void Report_lists_only_the_methods_that_acted_or_are_on()
    {
        var result = Protect(Exact, ("A", 3), ("B", 4), ("C", 5), ("D", 30), ("E", 40));

        Assert.Equal([DisclosureMethod.PrimarySuppression], result.Report.Methods);
        Assert.Equal(3, result.Report.PrimarySuppressed);
        Assert.Equal("3 cells counted 1 to 9 children and were withheld.", result.Report.Explanation);
    }

    [Fact]
    public void Report_uses_the_configured_threshold()
    {
        var result = Protect(Exact with { Threshold = 11 }, ("A", 10), ("B", 30), ("C", 40));

        Assert.Equal(11, result.Report.Threshold);
        Assert.Equal(
            "1 cell counted 1 to 10 children and was withheld; 1 more was withheld so that it cannot be worked out from the totals.",
            result.Report.Explanation);
    }

    [Fact]
    public void Cells_must_add_up_to_the_total()
    {
        RawCell[] cells = [new(["A"], 20, 100), new(["B"], 30, 200)];

        Assert.Throws<ArgumentException>(() => DisclosureControl.Protect(cells, new RawCell([], 49, 300), 1, Exact));
        Assert.Throws<ArgumentException>(() => DisclosureControl.Protect(cells, new RawCell([], 50, 301), 1, Exact));
    }

    [Fact]
    public void Malformed_cells_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => Protect(Exact, ("A", 20), ("A", 30)));
        Assert.Throws<ArgumentException>(() => Protect(Exact, ("A", 20), ("B|X", 30)));
        Assert.Throws<ArgumentException>(() => Protect(Exact, ("A", 20), ("B", 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Protect(Exact with { Threshold = 0 }, ("A", 20)));
        Assert.Throws<ArgumentOutOfRangeException>(() => DisclosureControl.Perturb(-1, 0, Perturbed));
    }

    [Fact]
    public void Ten_thousand_cells_in_three_dimensions_are_protected_whole()
    {
        var random = new Random(7);
        var cells = new List<RawCell>();
        for (var province = 0; province < 25; province++)
        {
            for (var age = 0; age < 20; age++)
            {
                for (var year = 0; year < 20; year++)
                {
                    var count = random.Next(5) == 0 ? random.Next(1, 10) : random.Next(10, 200);
                    cells.Add(new RawCell([$"P{province}", $"A{age}", $"Y{year}"], count, random.Next(count * 256)));
                }
            }
        }

        var total = new RawCell([], cells.Sum(c => c.Count), cells.Sum(c => c.KeySum));

        // Speed is measured in bench/, not asserted here: this proves a large table is protected whole.
        var result = DisclosureControl.Protect(cells, total, 3, Perturbed);
        Assert.Equal(10_000, result.Cells.Count);
        Assert.All(result.Cells, c => Assert.True(c.Suppressed || c.Count >= 10));
    }

    private static ProtectedTable Protect(DisclosureOptions options, params (string Key, int Count)[] cells) =>
        Protect(options, [.. cells.Select(c => (c.Key, c.Count, (long)c.Count * 131))]);

    private static ProtectedTable Protect(DisclosureOptions options, params (string Key, int Count, long KeySum)[] cells)
    {
        var raw = cells.Select(c => new RawCell(c.Key.Split('|'), c.Count, c.KeySum)).ToList();
        var total = new RawCell([], raw.Sum(c => c.Count), raw.Sum(c => c.KeySum));
        return DisclosureControl.Protect(raw, total, raw.Count == 0 ? 0 : raw[0].Key.Count, options);
    }

    private static ProtectedCell Cell(ProtectedTable result, string key) =>
        result.Cells.Single(c => string.Join("|", c.Key) == key);

    /// <summary>A key sum whose cell key the perturbation table maps to the given adjustment.</summary>
    private static long KeySumAdjusting(int adjustment) =>
        Enumerable.Range(0, DisclosureControl.CellKeyRange).First(key => DisclosureControl.Perturb(1_000, key, Perturbed) - 1_000 == adjustment);
}
