using GraphQLParser.AST;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Pipeline;

/// <summary>
/// A client's long-lived connection (a WebSocket or an event stream): its caller admitted when it opened, one of the
/// client's connection slots, and the subscriptions running on it. While it lasts, <see cref="LiveConnections"/> keeps
/// checking its caller: when the token expires or the client is disabled the connection is revoked, and when the
/// client's rules change (trusted documents only, a scope taken away) each subscription the new rules refuse ends.
/// </summary>
public sealed class ClientConnection : IAsyncDisposable
{
    private readonly TaskCompletionSource<OperationRefusal> revoked = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource ended = new();
    private readonly LiveConnections registry;
    private readonly IAsyncDisposable slot;
    private readonly Lock gate = new();
    private readonly List<LiveSubscription> subscriptions = [];
    private Caller caller;
    private int disposed;

    internal ClientConnection(LiveConnections registry, CallerCredential credential, TransportKind transport, Caller caller, IAsyncDisposable slot)
    {
        this.registry = registry;
        this.slot = slot;
        this.caller = caller;
        Credential = credential;
        Transport = transport;
    }

    public CallerCredential Credential { get; }

    public TransportKind Transport { get; }

    /// <summary>Completes with the refusal once the caller is no longer admitted; the transport then ends the connection with it.</summary>
    public Task<OperationRefusal> Revoked => revoked.Task;

    /// <summary>Cancelled when the connection has ended.</summary>
    internal CancellationToken Ended => ended.Token;

    /// <summary>The caller as the live rules last checked it (an operation's own check leaves it alone, so no change slips past its subscriptions).</summary>
    internal Caller Caller
    {
        get => Volatile.Read(ref caller);
        set => Volatile.Write(ref caller, value);
    }

    internal void Revoke(OperationRefusal refusal) => revoked.TrySetResult(refusal);

    /// <summary>A subscription now running on this connection, watched until its stream is disposed.</summary>
    internal void Track(GraphQLRequest request, GraphQLDocument document, Subscriber stream)
    {
        var subscription = new LiveSubscription(request, document, stream);
        lock (gate)
        {
            subscriptions.Add(subscription);
        }

        stream.Hold(new Lease(() =>
        {
            lock (gate)
            {
                subscriptions.Remove(subscription);
            }
        }));
    }

    internal LiveSubscription[] Subscriptions()
    {
        lock (gate)
        {
            return [.. subscriptions];
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        registry.Forget(this);
        await ended.CancelAsync().ConfigureAwait(false);
        await slot.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>A subscription on a connection: what it runs (the request as resolved, its document) and its stream.</summary>
internal sealed record LiveSubscription(GraphQLRequest Request, GraphQLDocument Document, Subscriber Stream);
