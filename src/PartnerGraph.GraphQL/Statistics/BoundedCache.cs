using System.Collections.Concurrent;

namespace PartnerGraph.GraphQL.Statistics;

/// <summary>
/// Values that never change once made (stored releases read back, plans over published tables), kept in memory so
/// that a repeated question does not read and parse its table again. At most <paramref name="capacity"/> entries: when
/// full it starts again empty, which costs a re-read, never a wrong answer.
/// </summary>
public sealed class BoundedCache<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, TValue> items = new();

    public bool TryGet(TKey key, out TValue value) => items.TryGetValue(key, out value!);

    public TValue Add(TKey key, TValue value)
    {
        if (items.Count >= capacity)
        {
            items.Clear();
        }

        return items.GetOrAdd(key, value);
    }

    public TValue GetOrAdd(TKey key, Func<TKey, TValue> make)
    {
        ArgumentNullException.ThrowIfNull(make);
        return TryGet(key, out var value) ? value : Add(key, make(key));
    }
}
