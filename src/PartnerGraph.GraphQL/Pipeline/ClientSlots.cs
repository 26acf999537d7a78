using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Pipeline;

/// <summary>Whose allowance an operation uses: a partner system's client, or, for analysts (who share the IDE's client), each person's own.</summary>
public static class ClientKey
{
    public static string Of(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.PersonId is null ? caller.ClientId : "person:" + caller.PersonId;
    }
}

/// <summary>What a client holds open at once and is capped: its connections (WebSockets and event streams) and its live subscriptions.</summary>
public enum SlotKind
{
    Connection,
    Subscription,
}

/// <summary>
/// Per client, how many connections and live subscriptions it holds at once (GraphQL:Limits:MaxConnectionsPerClient,
/// :MaxSubscriptionsPerClient). A slot is taken when one opens and given back when it ends.
/// </summary>
public abstract class ClientSlots(IOptions<QueryLimitsOptions> options)
{
    /// <summary>How many of the kind one client may hold.</summary>
    public int Cap(SlotKind kind) => kind == SlotKind.Connection ? options.Value.MaxConnectionsPerClient : options.Value.MaxSubscriptionsPerClient;

    /// <summary>A slot of the kind for the client, or null when it holds its cap already. Disposing the lease gives the slot back.</summary>
    public abstract ValueTask<IAsyncDisposable?> TryTakeAsync(SlotKind kind, string clientKey);
}

/// <summary>One instance alone: counts in its memory.</summary>
public sealed class LocalClientSlots(IOptions<QueryLimitsOptions> options) : ClientSlots(options)
{
    private readonly ConcurrentDictionary<(SlotKind Kind, string Client), int> held = new();

    public override ValueTask<IAsyncDisposable?> TryTakeAsync(SlotKind kind, string clientKey)
    {
        var cap = Cap(kind);
        var taken = false;
        held.AddOrUpdate((kind, clientKey), _ => (taken = cap > 0) ? 1 : 0, (_, count) => (taken = count < cap) ? count + 1 : count);
        return ValueTask.FromResult<IAsyncDisposable?>(taken ? new Lease(() => held.AddOrUpdate((kind, clientKey), 0, (_, count) => count - 1)) : null);
    }
}

/// <summary>A slot held until disposed; disposing twice gives it back once.</summary>
internal sealed class Lease(Func<ValueTask> release) : IAsyncDisposable
{
    private int released;

    public Lease(Action release)
        : this(() =>
        {
            release();
            return ValueTask.CompletedTask;
        })
    {
    }

    public ValueTask DisposeAsync() => Interlocked.Exchange(ref released, 1) == 0 ? release() : ValueTask.CompletedTask;
}
