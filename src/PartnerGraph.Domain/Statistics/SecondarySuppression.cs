namespace PartnerGraph.Domain.Statistics;

/// <summary>
/// Secondary suppression over "lines": for each dimension, the cells that share the values of all the other
/// dimensions, plus the whole table. A line's margin is published by a query grouping by fewer dimensions whenever it
/// reaches the threshold, so such a line must never hold exactly one withheld cell that the reader cannot otherwise
/// work out. The partner of a line is its smallest shown cell (ties by key) among those that can stay hidden at all;
/// see <see cref="HideableCells"/>.
/// Time O(N·D·log N) for the orderings plus O(N·D) for the work list; memory O(N·D).
/// </summary>
internal static class SecondarySuppression
{
    /// <param name="keys">
    /// The cells' keys as codes (each value its ordinal rank within its dimension), in ascending order of key and
    /// without duplicates.
    /// </param>
    /// <param name="counts">The cells' true counts, 1 or more.</param>
    /// <param name="tableMargin">The table's total.</param>
    /// <returns>The suppression of each cell, in the order of <paramref name="keys"/>.</returns>
    public static SuppressionKind[] Apply(int[][] keys, int[] counts, long tableMargin, int dimensions, int threshold)
    {
        var cellCount = keys.Length;
        var suppression = new SuppressionKind[cellCount];
        for (var cell = 0; cell < cellCount; cell++)
        {
            suppression[cell] = counts[cell] < threshold ? SuppressionKind.Primary : SuppressionKind.None;
        }

        var lines = BuildLines(keys, counts, tableMargin, dimensions, out var linesOfCell);
        var linesPerCell = dimensions + 1;

        var hideable = HideableCells(lines, linesOfCell, linesPerCell, threshold);

        var pending = new Queue<Line>();
        foreach (var line in lines)
        {
            // A primary cell that cannot stay hidden is known to the reader anyway, so it protects no other cell.
            foreach (var member in line.Members)
            {
                if (suppression[member] != SuppressionKind.None && hideable[member])
                {
                    line.Hidden++;
                }
            }

            Enqueue(line);
        }

        while (pending.Count > 0)
        {
            var line = pending.Dequeue();
            line.Queued = false;
            if (!NeedsPartner(line))
            {
                continue;
            }

            // Members are ordered by count then key, and only ever become suppressed, so the cursor never goes back.
            while (line.Cursor < line.Members.Length
                   && (suppression[line.Members[line.Cursor]] != SuppressionKind.None || !hideable[line.Members[line.Cursor]]))
            {
                line.Cursor++;
            }

            if (line.Cursor == line.Members.Length)
            {
                // Unreachable: no published line holds exactly one hideable cell, so a second one is always there.
                continue;
            }

            var partner = line.Members[line.Cursor];
            suppression[partner] = SuppressionKind.Secondary;
            for (var i = 0; i < linesPerCell; i++)
            {
                var touched = lines[linesOfCell[(partner * linesPerCell) + i]];
                touched.Hidden++;
                Enqueue(touched);
            }
        }

        return suppression;

        bool NeedsPartner(Line line) => line.Hidden == 1 && line.Margin >= threshold;

        void Enqueue(Line line)
        {
            if (!line.Queued && NeedsPartner(line))
            {
                line.Queued = true;
                pending.Enqueue(line);
            }
        }
    }

    /// <summary>
    /// The cells that some suppression pattern can keep hidden. A line with a published margin whose cells but one are
    /// shown or worked out gives that one away: dropping such cells line by line, starting with cells alone in a line,
    /// leaves the largest set in which no published line holds exactly one cell (such sets are closed under union).
    /// A dropped cell of k or more is best shown; a dropped primary cell is withheld but can be worked out whatever is
    /// withheld, so only the perturbation of the figures covers it. Choosing partners among hideable cells, and
    /// counting only hideable cells, a partner always exists and the reader works out nothing else.
    /// </summary>
    private static bool[] HideableCells(List<Line> lines, int[] linesOfCell, int linesPerCell, int threshold)
    {
        var cellCount = linesOfCell.Length / linesPerCell;
        var hideable = new bool[cellCount];
        Array.Fill(hideable, true);
        var candidates = lines.Select(line => line.Members.Length).ToArray();
        var pending = new Queue<int>();
        for (var id = 0; id < lines.Count; id++)
        {
            if (candidates[id] == 1 && lines[id].Margin >= threshold)
            {
                pending.Enqueue(id);
            }
        }

        while (pending.Count > 0)
        {
            // A line reaches one candidate once, as candidates only ever decrease, so each line is scanned once.
            var id = pending.Dequeue();
            if (candidates[id] != 1)
            {
                continue;
            }

            var givenAway = Array.Find(lines[id].Members, member => hideable[member]);
            hideable[givenAway] = false;
            for (var i = 0; i < linesPerCell; i++)
            {
                var other = linesOfCell[(givenAway * linesPerCell) + i];
                if (--candidates[other] == 1 && lines[other].Margin >= threshold)
                {
                    pending.Enqueue(other);
                }
            }
        }

        return hideable;
    }

    /// <summary>Groups the cells into lines; linesOfCell[cell * (D + 1) + d] is the cell's line along d, and index D its table.</summary>
    private static List<Line> BuildLines(int[][] keys, int[] counts, long tableMargin, int dimensions, out int[] linesOfCell)
    {
        var cellCount = keys.Length;
        var linesPerCell = dimensions + 1;
        linesOfCell = new int[cellCount * linesPerCell];
        var members = new List<List<int>>();
        var margins = new List<long>();

        for (var dimension = 0; dimension < dimensions; dimension++)
        {
            var lineIds = new Dictionary<LineKey, int>(cellCount, LineKeyComparer.Instance);
            for (var cell = 0; cell < cellCount; cell++)
            {
                var lineKey = new LineKey(keys[cell], dimension);
                if (!lineIds.TryGetValue(lineKey, out var id))
                {
                    id = members.Count;
                    lineIds.Add(lineKey, id);
                    members.Add([]);
                    margins.Add(0);
                }

                members[id].Add(cell);
                margins[id] += counts[cell];
                linesOfCell[(cell * linesPerCell) + dimension] = id;
            }
        }

        var table = members.Count;
        members.Add([.. Enumerable.Range(0, cellCount)]);
        margins.Add(tableMargin);
        for (var cell = 0; cell < cellCount; cell++)
        {
            linesOfCell[(cell * linesPerCell) + dimensions] = table;
        }

        var lines = new List<Line>(members.Count);
        for (var id = 0; id < members.Count; id++)
        {
            var ordered = members[id].ToArray();
            // Cells are numbered in key order, so ordering by (count, number) is ordering by (count, key).
            Array.Sort(ordered, (a, b) => counts[a] != counts[b] ? counts[a].CompareTo(counts[b]) : a.CompareTo(b));
            lines.Add(new Line(ordered, margins[id]));
        }

        return lines;
    }

    private sealed class Line(int[] members, long margin)
    {
        public int[] Members { get; } = members;
        public long Margin { get; } = margin;
        /// <summary>Withheld cells of the line that the reader cannot work out.</summary>
        public int Hidden { get; set; }
        public int Cursor { get; set; }
        public bool Queued { get; set; }
    }

    /// <summary>A cell's key with one dimension left out: the line along that dimension that the cell lies in.</summary>
    private readonly record struct LineKey(int[] Values, int Along);

    private sealed class LineKeyComparer : IEqualityComparer<LineKey>
    {
        public static readonly LineKeyComparer Instance = new();

        public bool Equals(LineKey x, LineKey y)
        {
            for (var i = 0; i < x.Values.Length; i++)
            {
                if (i != x.Along && x.Values[i] != y.Values[i])
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(LineKey obj)
        {
            var hash = new HashCode();
            for (var i = 0; i < obj.Values.Length; i++)
            {
                if (i != obj.Along)
                {
                    hash.Add(obj.Values[i]);
                }
            }

            return hash.ToHashCode();
        }
    }
}
