using System.Globalization;

namespace PartnerGraph.Domain.Statistics;

/// <summary>
/// Statistical disclosure control for grouped counts of children: primary suppression of counts 1 to k-1, secondary
/// suppression so that no withheld cell can be recovered from a margin another query publishes, and the cell-key
/// method of consistent perturbation (Australian Bureau of Statistics) on every count that is shown.
/// </summary>
public static class DisclosureControl
{
    /// <summary>Record keys are drawn uniformly from 0 to CellKeyRange - 1 at intake; a cell's key is its key sum modulo this.</summary>
    public const int CellKeyRange = 256;

    /// <summary>
    /// Protects one grouped table. The outcome depends only on the set of cells, not on their order, so the same
    /// figures asked twice are withheld and perturbed the same way; the cells come back in the order given.
    /// No published margin minus shown cells gives a withheld cell away, except a small cell that margins give away
    /// whatever is withheld (e.g. its row's only other cell is alone in its column): it is withheld but gets no
    /// partner, as none would help, and only the perturbation covers it.
    /// Time O(N·D·log N), memory O(N·D), for N cells and D dimensions.
    /// </summary>
    /// <param name="cells">Every non-zero combination; a combination absent from the list is a true zero, known to everyone.</param>
    /// <param name="total">Count and key sum of all records of the table (the sum of the cells).</param>
    /// <param name="dimensions">The number of grouped dimensions, the length of every cell's key.</param>
    public static ProtectedTable Protect(IReadOnlyList<RawCell> cells, RawCell total, int dimensions, DisclosureOptions options)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(total);
        ArgumentOutOfRangeException.ThrowIfNegative(dimensions);
        Validate(options);

        var order = CanonicalOrder(cells, total, dimensions, out var keys);
        var counts = new int[order.Length];
        for (var position = 0; position < order.Length; position++)
        {
            counts[position] = cells[order[position]].Count;
        }

        var suppression = SecondarySuppression.Apply(keys, counts, total.Count, dimensions, options.Threshold);

        var protectedCells = new ProtectedCell[cells.Count];
        int primary = 0, secondary = 0;
        for (var position = 0; position < order.Length; position++)
        {
            var cell = cells[order[position]];
            var kind = suppression[position];
            primary += kind == SuppressionKind.Primary ? 1 : 0;
            secondary += kind == SuppressionKind.Secondary ? 1 : 0;
            int? shown = kind == SuppressionKind.None ? Perturb(cell.Count, cell.KeySum, options) : null;
            protectedCells[order[position]] = new ProtectedCell(cell.Key, shown, kind);
        }

        var totalSuppressed = total.Count > 0 && total.Count < options.Threshold;
        var protectedTotal = new ProtectedCount(totalSuppressed ? null : Perturb(total.Count, total.KeySum, options), totalSuppressed);
        var primaryFigures = primary + (totalSuppressed ? 1 : 0);

        var methods = new List<string> { DisclosureMethod.PrimarySuppression };
        if (secondary > 0)
        {
            methods.Add(DisclosureMethod.SecondarySuppression);
        }

        if (options.Perturbation)
        {
            methods.Add(DisclosureMethod.CellKeyPerturbation);
        }

        var report = new DisclosureReport(
            options.Threshold,
            methods,
            primaryFigures,
            secondary,
            Explain(primary, totalSuppressed, secondary, options.Threshold));
        return new ProtectedTable(protectedCells, protectedTotal, report);
    }

    /// <summary>
    /// The cell-key perturbation alone, for a figure that is not part of a table. It does not suppress: a count of 1
    /// to k-1 stays within 1 to k-1 and should be withheld by the caller. Zero stays zero (zeros are known to
    /// everyone); a count of k or more never drops below k. The same count and key sum always give the same figure.
    /// </summary>
    public static int Perturb(int count, long keySum, DisclosureOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Validate(options);
        if (!options.Perturbation || count == 0)
        {
            return count;
        }

        var adjusted = (long)count + PerturbationTable.Adjustment(CellKey(keySum));
        // Perturbation never moves a figure across the threshold, in either direction.
        return count >= options.Threshold
            ? (int)Math.Min(int.MaxValue, Math.Max(options.Threshold, adjusted))
            : (int)Math.Clamp(adjusted, 1, options.Threshold - 1);
    }

    /// <summary>The cell key: the sum of the records' keys modulo <see cref="CellKeyRange"/>.</summary>
    public static int CellKey(long keySum) => (int)(((keySum % CellKeyRange) + CellKeyRange) % CellKeyRange);

    private static void Validate(DisclosureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Threshold < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Threshold, "The threshold must be at least 1.");
        }
    }

    /// <summary>
    /// Checks the cells and returns their indexes in ascending ordinal order of key, and their keys in that order as
    /// codes: each value is replaced by its rank among the values of its dimension in ordinal order, so that comparing
    /// and hashing codes is comparing and hashing the strings, at the cost of integers.
    /// </summary>
    private static int[] CanonicalOrder(IReadOnlyList<RawCell> cells, RawCell total, int dimensions, out int[][] orderedKeys)
    {
        if (total.Count < 0)
        {
            throw new ArgumentException("The total cannot be negative.", nameof(total));
        }

        long countSum = 0, keySum = 0;
        var keys = new string[cells.Count][];
        for (var index = 0; index < cells.Count; index++)
        {
            var cell = cells[index] ?? throw new ArgumentException($"Cell {index} is null.", nameof(cells));
            if (cell.Key is null || cell.Key.Count != dimensions)
            {
                throw new ArgumentException($"Cell {index} must have a value for each of the {dimensions} dimensions.", nameof(cells));
            }

            // A copy, so that the caller's lists are read once and cannot change under the protection.
            keys[index] = [.. cell.Key];
            if (Array.IndexOf(keys[index], null) >= 0)
            {
                throw new ArgumentException($"Cell {index} has a null value; use a label such as \"\" for unknown.", nameof(cells));
            }

            if (cell.Count < 1)
            {
                throw new ArgumentException($"Cell {index} counts {cell.Count}; zeros are left out and counts cannot be negative.", nameof(cells));
            }

            countSum += cell.Count;
            keySum += cell.KeySum;
        }

        if (countSum != total.Count || keySum != total.KeySum)
        {
            throw new ArgumentException("The total must be the sum of the cells, in count and in key sum.", nameof(total));
        }

        var codes = Encode(keys, dimensions);
        var order = Enumerable.Range(0, cells.Count).ToArray();
        Array.Sort(order, (a, b) => CompareCodes(codes[a], codes[b]));
        orderedKeys = new int[order.Length][];
        for (var position = 0; position < order.Length; position++)
        {
            orderedKeys[position] = codes[order[position]];
            if (position > 0 && CompareCodes(orderedKeys[position - 1], orderedKeys[position]) == 0)
            {
                throw new ArgumentException($"Two cells share the key ({string.Join(", ", keys[order[position]])}).", nameof(cells));
            }
        }

        return order;
    }

    /// <summary>Each cell's key as the ordinal ranks of its values within their dimensions.</summary>
    private static int[][] Encode(string[][] keys, int dimensions)
    {
        var codes = new int[keys.Length][];
        for (var cell = 0; cell < keys.Length; cell++)
        {
            codes[cell] = new int[dimensions];
        }

        for (var dimension = 0; dimension < dimensions; dimension++)
        {
            var ranks = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                ranks.TryAdd(key[dimension], 0);
            }

            var values = ranks.Keys.ToArray();
            Array.Sort(values, StringComparer.Ordinal);
            for (var rank = 0; rank < values.Length; rank++)
            {
                ranks[values[rank]] = rank;
            }

            for (var cell = 0; cell < keys.Length; cell++)
            {
                codes[cell][dimension] = ranks[keys[cell][dimension]];
            }
        }

        return codes;
    }

    private static int CompareCodes(int[] a, int[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            var comparison = a[i].CompareTo(b[i]);
            if (comparison != 0)
            {
                return comparison;
            }
        }

        return 0;
    }

    private static string? Explain(int primaryCells, bool totalSuppressed, int secondaryCells, int threshold)
    {
        if (primaryCells == 0 && !totalSuppressed && secondaryCells == 0)
        {
            return null;
        }

        var small = threshold == 2 ? "1 child" : string.Create(CultureInfo.InvariantCulture, $"1 to {threshold - 1} children");
        var cellsPhrase = primaryCells == 1 ? "1 cell" : string.Create(CultureInfo.InvariantCulture, $"{primaryCells} cells");
        var (subject, plural) = (primaryCells, totalSuppressed) switch
        {
            (0, true) => ("The total", false),
            (_, true) => (cellsPhrase + " and the total", true),
            _ => (cellsPhrase, primaryCells != 1),
        };

        var sentence = string.Create(CultureInfo.InvariantCulture, $"{subject} counted {small} and {(plural ? "were" : "was")} withheld");
        if (secondaryCells == 0)
        {
            return sentence + ".";
        }

        var more = string.Create(
            CultureInfo.InvariantCulture,
            $"{secondaryCells} more {(secondaryCells == 1 ? "was" : "were")} withheld so that {(plural ? "they" : "it")} cannot be worked out from the totals.");
        return sentence + "; " + more;
    }
}
