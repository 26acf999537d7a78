using System.Text;
using System.Threading.Channels;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;
using GraphQLParser.AST;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.GraphQL.Pipeline;

/// <summary>
/// Executes each event of a subscription once for every subscriber of the same document, variables, organisation and
/// scopes, and fans the serialised bytes out. An argument that makes a subscription personal (a replay cursor) keeps
/// it apart: see <see cref="SubscriptionSharing"/>.
/// </summary>
public sealed class SubscriptionFanOut(IGraphQLTextSerializer serializer, SchemaCatalogue schemas)
{
    /// <summary>How many results may wait for one slow subscriber before its stream is ended (it may resume with its cursor).</summary>
    public const int MaxPendingResults = 10_000;

    private readonly Lock gate = new();
    private readonly Dictionary<string, SharedExecution> shared = new(StringComparer.Ordinal);

    /// <summary>A place in a running execution of the same subscription, if there is one it may share.</summary>
    public Subscriber? TryJoin(RequestContext context, GraphQLRequest request, GraphQLDocument document)
    {
        if (Key(context, request, document) is not { } key)
        {
            return null;
        }

        lock (gate)
        {
            return shared.TryGetValue(key, out var execution) ? execution.Attach() : null;
        }
    }

    /// <summary>Starts listening to a subscription's results for its first subscriber.</summary>
    public Subscriber Start(RequestContext context, GraphQLRequest request, GraphQLDocument document, IObservable<ExecutionResult> results)
    {
        var key = Key(context, request, document);
        var execution = new SharedExecution(this, key, serializer);
        var first = execution.Attach()!;
        lock (gate)
        {
            if (key is not null)
            {
                shared.TryAdd(key, execution);
            }
        }

        execution.Connect(results);
        return first;
    }

    private void Remove(SharedExecution execution)
    {
        lock (gate)
        {
            if (execution.Key is { } key && shared.TryGetValue(key, out var current) && current == execution)
            {
                shared.Remove(key);
            }
        }
    }

    private string? Key(RequestContext context, GraphQLRequest request, GraphQLDocument document)
    {
        if (!SubscriptionSharing.IsShareable(schemas.For(context.Caller.Scopes), request, document))
        {
            return null;
        }

        var variables = request.Variables is null ? "" : serializer.Serialize(request.Variables);
        return string.Join('\n', context.Caller.OrganisationId, context.Caller.ScopeKey, request.OperationName ?? "", variables, request.Query);
    }

    private sealed class SharedExecution(SubscriptionFanOut owner, string? key, IGraphQLTextSerializer serializer) : IObserver<ExecutionResult>
    {
        private readonly Lock gate = new();
        private readonly List<Subscriber> subscribers = [];
        private IDisposable? upstream;
        private bool ended;

        public string? Key => key;

        public Subscriber? Attach()
        {
            lock (gate)
            {
                if (ended)
                {
                    return null;
                }

                var stream = new Subscriber(Detach);
                subscribers.Add(stream);
                return stream;
            }
        }

        public void Connect(IObservable<ExecutionResult> results)
        {
            var subscription = results.Subscribe(this);
            lock (gate)
            {
                if (!ended)
                {
                    upstream = subscription;
                    return;
                }
            }

            subscription.Dispose();
        }

        public void Detach(Subscriber stream)
        {
            IDisposable? stop = null;
            lock (gate)
            {
                if (subscribers.Remove(stream) && subscribers.Count == 0 && !ended)
                {
                    ended = true;
                    stop = upstream;
                }
            }

            if (stop is not null || ended)
            {
                owner.Remove(this);
            }

            stop?.Dispose();
        }

        public void OnNext(ExecutionResult value)
        {
            ReadOnlyMemory<byte> bytes = Encoding.UTF8.GetBytes(serializer.Serialize(value));
            Subscriber[] now;
            lock (gate)
            {
                now = [.. subscribers];
            }

            foreach (var subscriber in now)
            {
                subscriber.Offer(bytes);
            }
        }

        public void OnError(Exception error) => End(error);

        public void OnCompleted() => End(null);

        private void End(Exception? error)
        {
            Subscriber[] now;
            lock (gate)
            {
                ended = true;
                now = [.. subscribers];
            }

            owner.Remove(this);
            foreach (var subscriber in now)
            {
                subscriber.End(error);
            }
        }
    }
}

/// <summary>
/// One subscriber's place in a shared execution: the serialised results waiting for its transport. Disposing it leaves
/// the execution and gives back what the subscription held (its slot among the client's subscriptions).
/// </summary>
public sealed class Subscriber : IAsyncDisposable
{
    private readonly Action<Subscriber> detach;
    private readonly Channel<ReadOnlyMemory<byte>> results = Channel.CreateBounded<ReadOnlyMemory<byte>>(
        new BoundedChannelOptions(SubscriptionFanOut.MaxPendingResults) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private readonly List<IAsyncDisposable> held = [];
    private int disposed;

    internal Subscriber(Action<Subscriber> detach) => this.detach = detach;

    /// <summary>
    /// Each result as the JSON of a GraphQL response; completes when the subscription ends, with a
    /// <see cref="SubscriberTooSlowException"/> when the subscriber fell too far behind, and with an
    /// <see cref="OperationRevokedException"/> when the client's rules changed and no longer allow it.
    /// </summary>
    public ChannelReader<ReadOnlyMemory<byte>> Results => results.Reader;

    internal void Offer(ReadOnlyMemory<byte> bytes)
    {
        if (!results.Writer.TryWrite(bytes))
        {
            results.Writer.TryComplete(new SubscriberTooSlowException());
        }
    }

    internal void End(Exception? error) => results.Writer.TryComplete(error);

    /// <summary>Something the subscription holds while it lives, given back when it is disposed.</summary>
    internal void Hold(IAsyncDisposable resource)
    {
        lock (held)
        {
            held.Add(resource);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        results.Writer.TryComplete();
        detach(this);
        IAsyncDisposable[] resources;
        lock (held)
        {
            resources = [.. held];
        }

        foreach (var resource in resources)
        {
            await resource.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>A live subscription the client's current rules no longer allow (trusted documents only, a scope it lost): it ends with the refusal.</summary>
public sealed class OperationRevokedException : Exception
{
    public OperationRevokedException(OperationRefusal refusal)
        : base(refusal?.Message)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        Refusal = refusal;
    }

    public OperationRefusal Refusal { get; }
}

/// <summary>A subscriber left more results unread than the server keeps for it; it should resume from its last sequence.</summary>
public sealed class SubscriberTooSlowException : Exception
{
    public SubscriberTooSlowException()
        : base("The subscriber fell too far behind; resume from the last sequence received.")
    {
    }

    public SubscriberTooSlowException(string message)
        : base(message)
    {
    }

    public SubscriberTooSlowException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Which subscriptions may share one execution: all but those that pass an argument marked per subscriber (such as a
/// replay cursor), since a later subscriber would miss what the cursor replayed to the first.
/// </summary>
public static class SubscriptionSharing
{
    private const string Key = "partnergraph:per-subscriber-arguments";

    public static FieldBuilder<TSource, TReturn> PerSubscriber<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field, params string[] arguments)
    {
        field.FieldType.Metadata[Key] = arguments;
        return field;
    }

    public static bool IsShareable(ISchema schema, GraphQLRequest request, GraphQLDocument document)
    {
        var operation = SelectedOperation.Of(document, request.OperationName);
        if (operation is null || document.Definitions.Any(d => d is GraphQLFragmentDefinition))
        {
            return false;
        }

        foreach (var selection in operation.SelectionSet.Selections)
        {
            if (selection is not GraphQLField field)
            {
                return false;
            }

            foreach (var argument in field.Arguments?.Items ?? [])
            {
                var name = argument.Name.StringValue;
                var personal = argument.Value switch
                {
                    GraphQLNullValue => false,
                    GraphQLVariable variable => request.Variables?.TryGetValue(variable.Name.StringValue, out var value) == true && value is not null,
                    _ => true,
                };
                if (personal && IsPerSubscriber(schema, field.Name.StringValue, name))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static bool IsPerSubscriber(ISchema schema, string field, string argument) =>
        schema.Subscription?.GetField(field) is { } definition
        && definition.Metadata.TryGetValue(Key, out var arguments) && arguments is string[] names && names.Contains(argument, StringComparer.Ordinal);
}
