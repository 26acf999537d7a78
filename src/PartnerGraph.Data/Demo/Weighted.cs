namespace PartnerGraph.Data.Demo;

/// <summary>A fixed set of values with weights; each draw takes one number from the seeded generator.</summary>
internal sealed class Weighted<T>
{
    private readonly T[] values;
    private readonly double[] cumulative;

    public Weighted(IEnumerable<(T Value, double Weight)> choices)
    {
        var kept = choices.Where(c => c.Weight > 0).ToArray();
        if (kept.Length == 0)
        {
            throw new ArgumentException("At least one choice needs a positive weight.", nameof(choices));
        }

        values = kept.Select(c => c.Value).ToArray();
        cumulative = new double[kept.Length];
        var total = 0.0;
        for (var i = 0; i < kept.Length; i++)
        {
            total += kept[i].Weight;
            cumulative[i] = total;
        }
    }

    public T Pick(Random rng)
    {
        var x = rng.NextDouble() * cumulative[^1];
        var index = Array.BinarySearch(cumulative, x);

        // An exact hit on a boundary belongs to the next value; a miss gives the first boundary above x.
        index = index < 0 ? ~index : index + 1;
        return values[Math.Min(index, values.Length - 1)];
    }
}

/// <summary>Builds a <see cref="Weighted{T}"/> from pairs written inline.</summary>
internal static class Weighted
{
    public static Weighted<T> Of<T>(params (T Value, double Weight)[] choices) => new(choices);
}
