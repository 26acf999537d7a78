using GraphQL.DataLoader;

namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// Collects the keys that resolvers ask for at one level of the query and fetches them with one query when the
/// execution strategy first awaits a result. Values stay cached for the rest of the request, so a key asked for
/// again at a deeper level costs nothing, and a key asked for while its batch is being fetched joins that batch: a
/// request fetches each key once.
/// </summary>
public sealed class BatchLoader<TKey, TValue>(Func<IReadOnlyCollection<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TValue>>> fetch, TValue missing)
    where TKey : notnull
{
    private readonly Lock gate = new();
    private readonly Dictionary<TKey, TValue> loaded = [];
    private readonly List<Batch> inFlight = [];
    private Batch pending = new();

    public IDataLoaderResult<TValue> Load(TKey key)
    {
        lock (gate)
        {
            if (loaded.TryGetValue(key, out var value))
            {
                return new Ready(value);
            }

            foreach (var fetching in inFlight)
            {
                if (fetching.Keys.Contains(key))
                {
                    return new Pending(this, fetching, key);
                }
            }

            pending.Keys.Add(key);
            return new Pending(this, pending, key);
        }
    }

    /// <summary>
    /// The value itself when this request has loaded it already, so the execution completes the field at once; else
    /// a pending result, fetched with its batch. For fields asked for many times over few keys (the organisation of
    /// each of a page's history entries): a completed value costs the executer far less than a pending one.
    /// </summary>
    public object? LoadOrValue(TKey key)
    {
        lock (gate)
        {
            if (loaded.TryGetValue(key, out var value))
            {
                return value;
            }
        }

        return Load(key);
    }

    private async Task<TValue> ResolveAsync(Batch batch, TKey key, CancellationToken cancellationToken)
    {
        var start = false;
        lock (gate)
        {
            if (!batch.Started)
            {
                batch.Started = start = true;
                inFlight.Add(batch);
                if (ReferenceEquals(batch, pending))
                {
                    pending = new Batch();
                }
            }
        }

        // Outside the lock: the query may run synchronously (SQLite), and other resolvers must not wait for it to add keys.
        if (start)
        {
            await FetchAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        return ValueOf(await batch.Fetched.Task.ConfigureAwait(false), key);
    }

    private TValue ValueOf(IReadOnlyDictionary<TKey, TValue> values, TKey key) => values.TryGetValue(key, out var value) ? value : missing;

    private async Task FetchAsync(Batch batch, CancellationToken cancellationToken)
    {
        try
        {
            var values = await fetch(batch.Keys, cancellationToken).ConfigureAwait(false);
            lock (gate)
            {
                foreach (var key in batch.Keys)
                {
                    loaded[key] = ValueOf(values, key);
                }

                inFlight.Remove(batch);
            }

            batch.Fetched.SetResult(values);
        }
        catch (Exception e)
        {
            lock (gate)
            {
                inFlight.Remove(batch);
            }

            batch.Fetched.SetException(e);
        }
    }

    private sealed class Batch
    {
        public HashSet<TKey> Keys { get; } = [];

        public bool Started { get; set; }

        public TaskCompletionSource<IReadOnlyDictionary<TKey, TValue>> Fetched { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Ready(TValue value) : IDataLoaderResult<TValue>, ILoadedResult
    {
        public Task<TValue> GetResultAsync(CancellationToken cancellationToken = default) => Task.FromResult(value);

        public bool TryGetLoaded(out object? loaded)
        {
            loaded = value;
            return true;
        }

        Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => Task.FromResult<object?>(value);
    }

    private sealed class Pending(BatchLoader<TKey, TValue> loader, Batch batch, TKey key) : IDataLoaderResult<TValue>, ILoadedResult
    {
        public Task<TValue> GetResultAsync(CancellationToken cancellationToken = default) => loader.ResolveAsync(batch, key, cancellationToken);

        public bool TryGetLoaded(out object? value)
        {
            if (batch.Fetched.Task.IsCompletedSuccessfully)
            {
                value = loader.ValueOf(batch.Fetched.Task.Result, key);
                return true;
            }

            value = null;
            return false;
        }

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// A loader's result that can be read at once, its key loaded before or its batch fetched since: the execution then
/// completes the field without a task (a page's organisations and histories are about 150 fields over two batches).
/// </summary>
internal interface ILoadedResult
{
    /// <summary>The value, if it is loaded (its batch fetched and not failed); else false, and the result is awaited.</summary>
    bool TryGetLoaded(out object? value);
}

public static class DataLoaderResults
{
    /// <summary>The value a loaded result maps to, still pending: the batch is fetched when the execution awaits it.</summary>
    public static IDataLoaderResult<TResult> Then<T, TResult>(this IDataLoaderResult<T> loaded, Func<T, TResult> map) => new Mapped<T, TResult>(loaded, map);

    private sealed class Mapped<T, TResult>(IDataLoaderResult<T> loaded, Func<T, TResult> map) : IDataLoaderResult<TResult>
    {
        public async Task<TResult> GetResultAsync(CancellationToken cancellationToken = default) => map(await loaded.GetResultAsync(cancellationToken).ConfigureAwait(false));

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken).ConfigureAwait(false);
    }
}
