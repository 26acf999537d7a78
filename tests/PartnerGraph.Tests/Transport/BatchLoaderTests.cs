using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.Tests.Transport;

/// <summary>A request fetches each key once, however the execution interleaves its levels.</summary>
public sealed class BatchLoaderTests
{
    [Fact]
    public async Task Keys_asked_for_at_one_level_are_fetched_together_and_once()
    {
        var fetches = new List<IReadOnlyCollection<string>>();
        var loader = new BatchLoader<string, string?>((keys, _) =>
        {
            fetches.Add([.. keys]);
            return Task.FromResult<IReadOnlyDictionary<string, string?>>(keys.ToDictionary(k => k, k => (string?)k.ToUpperInvariant()));
        }, null);

        var a = loader.Load("a");
        var b = loader.Load("b");
        Assert.Equal("A", await a.GetResultAsync());
        Assert.Equal("B", await b.GetResultAsync());
        Assert.Equal("A", loader.LoadOrValue("a"));

        Assert.Equal(["a", "b"], Assert.Single(fetches).Order());
    }

    [Fact]
    public async Task A_key_asked_for_while_its_batch_is_being_fetched_joins_that_batch()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fetches = 0;
        var loader = new BatchLoader<string, string?>(async (keys, _) =>
        {
            Interlocked.Increment(ref fetches);
            await release.Task;
            return keys.ToDictionary(k => k, k => (string?)k.ToUpperInvariant());
        }, null);

        var first = loader.Load("org").GetResultAsync();
        var meanwhile = loader.LoadOrValue("org");
        release.SetResult();

        Assert.Equal("ORG", await first);
        Assert.Equal("ORG", await Assert.IsAssignableFrom<global::GraphQL.DataLoader.IDataLoaderResult<string?>>(meanwhile).GetResultAsync());
        Assert.Equal(1, fetches);
    }

    [Fact]
    public async Task A_key_that_does_not_exist_is_not_fetched_again()
    {
        var fetches = 0;
        var loader = new BatchLoader<string, string?>((_, _) =>
        {
            fetches++;
            return Task.FromResult<IReadOnlyDictionary<string, string?>>(new Dictionary<string, string?>());
        }, null);

        Assert.Null(await loader.Load("gone").GetResultAsync());
        Assert.Null(loader.LoadOrValue("gone"));
        Assert.Equal(1, fetches);
    }
}
