using System.Collections;
using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Execution;
using GraphQL.Instrumentation;
using GraphQL.Resolvers;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;
using ExecutionContext = GraphQL.Execution.ExecutionContext;

namespace PartnerGraph.GraphQL.Common;

/// <summary>One field of a collected selection: what resolves it, and the name it is answered under.</summary>
internal sealed class PlannedField(GraphQLField field, FieldType definition, GraphQLField argumentsFrom)
{
    // One immutable pair, replaced whole: answers written at once on other threads read it without a lock.
    private Encoded? encoded;

    public GraphQLField Field { get; } = field;

    public FieldType Definition { get; } = definition;

    /// <summary>The name in the answer: the alias, or the field's name.</summary>
    public string Name { get; } = field.Alias?.Name.StringValue ?? definition.Name;

    public IFieldResolver Resolver { get; } = definition.Resolver ?? NameFieldResolver.Instance;

    /// <summary>The field node the request's argument values are recorded under (see QueryExecutionStrategy.ArgumentsOf).</summary>
    public GraphQLField ArgumentsFrom { get; } = argumentsFrom;

    /// <summary>Records a merged field's argument values under its own node too, for GraphQL.NET's executer.</summary>
    public void ShareArguments(ExecutionContext context)
    {
        if (!ReferenceEquals(ArgumentsFrom, Field) && context.ArgumentValues is IDictionary<GraphQLField, IDictionary<string, ArgumentValue>> values
            && values.TryGetValue(ArgumentsFrom, out var arguments))
        {
            values[Field] = arguments;
        }
    }

    /// <summary>The property name as GraphQL.NET's serializer writes it (through the options' naming policy), encoded once.</summary>
    public JsonEncodedText EncodedName(JsonSerializerOptions options)
    {
        if (encoded is { } known && ReferenceEquals(known.Options, options))
        {
            return known.Name;
        }

        var name = JsonEncodedText.Encode(options.PropertyNamingPolicy?.ConvertName(Name) ?? Name, options.Encoder);
        encoded = new Encoded(options, name);
        return name;
    }

    private sealed record Encoded(JsonSerializerOptions Options, JsonEncodedText Name);

    // The names this field's enum values were answered with, by value. GraphQL.NET's enum scalar boxes a value again
    // and scans its values for each one (316 on the benchmark's page); a scalar's answer depends on the value alone.
    private ConcurrentDictionary<object, object?>? enumNames;

    /// <summary>What the enum scalar answers for the value, asked of it once per value of this field.</summary>
    public object? SerializeEnum(EnumerationGraphType type, Enum value)
    {
        var names = enumNames ?? Interlocked.CompareExchange(ref enumNames, new(), null) ?? enumNames;
        if (!names.TryGetValue(value, out var name))
        {
            name = type.Serialize(value);
            names.TryAdd(value, name);
        }

        return name;
    }
}

/// <summary>
/// A query run without an execution node per field, for the server's hot path (a page of referrals is about 3,000
/// fields). It keeps GraphQL.NET's semantics and order: the same resolvers, called level by level, breadth first, so
/// that a level's data loaders batch; data loader results completed after their level; the same coercion of values by
/// their scalars, the same errors with their paths and locations, the same nulls propagated to the nearest nullable
/// field. What differs is what it builds: an array of values per object, and JSON written from those arrays.
/// </summary>
internal sealed class PlannedExecution(QueryExecutionStrategy strategy, ExecutionContext context)
{
    // Objects and lists whose fields or items come next, in order: a container stands for all its slots (a page has
    // about 370 objects and 3,000 fields), which keeps GraphQL.NET's order, one node after another, in a tenth the queue.
    private readonly Queue<ResultContainer> pending = new();
    private readonly Queue<(ResultContainer Container, int Index)> loaders = new();
    private readonly List<Task> tasks = [];
    private readonly List<(ResultContainer Container, int Index)> running = [];
    private PlannedFieldContext? spare;

    public async Task<ExecutionResult> ExecuteAsync(IObjectGraphType rootType, PlannedField[] rootFields)
    {
        var root = new ObjectResult(rootType, rootFields, context.RootValue, null, 0);
        Advance(root);
        try
        {
            // Running slots are those resolved or loaded at this level, awaited or not: each is taken further after the level.
            while (pending.Count > 0 || loaders.Count > 0 || running.Count > 0)
            {
                while (pending.Count > 0 || running.Count > 0)
                {
                    while (pending.Count > 0)
                    {
                        var container = pending.Dequeue();
                        for (var i = 0; i < container.Values!.Length; i++)
                        {
                            context.CancellationToken.ThrowIfCancellationRequested();
                            if (container is ObjectResult owner)
                            {
                                Resolve(owner, i);
                            }
                            else
                            {
                                Next((container, i));
                            }
                        }
                    }

                    await Task.WhenAll(tasks).ConfigureAwait(false);
                    foreach (var slot in running)
                    {
                        Next(slot);
                    }

                    tasks.Clear();
                    running.Clear();
                }

                while (loaders.Count > 0)
                {
                    var slot = loaders.Dequeue();
                    if (slot.Container.Values![slot.Index] is ILoadedResult loaded && loaded.TryGetLoaded(out var value))
                    {
                        CompleteLoaded(slot.Container, slot.Index, value);
                    }
                    else
                    {
                        tasks.Add(CompleteLoadedAsync(slot.Container, slot.Index));
                    }

                    running.Add(slot);
                }
            }
        }
        catch
        {
            if (tasks.Count > 0)
            {
                await Task.WhenAll(tasks).ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }

            throw;
        }

        return new ExecutionResult
        {
            Query = context.Document.Source,
            Document = context.Document,
            Operation = context.Operation,
            Extensions = context.OutputExtensions,
            Executed = true,
            Data = root.PropagateNull() ? null : new PlannedAnswer(root),
        };
    }

    /// <summary>What comes after a slot is complete: a loader's result waits for the level's end; else its value advances.</summary>
    private void Next((ResultContainer Container, int Index) slot)
    {
        if (slot.Container.Values![slot.Index] is IDataLoaderResult)
        {
            loaders.Enqueue(slot);
        }
        else
        {
            Advance(slot.Container.Values[slot.Index]);
        }
    }

    /// <summary>An object's fields and a list's items are next, in order, after whatever is pending already.</summary>
    private void Advance(object? value)
    {
        if (value is ResultContainer { Values.Length: > 0 } container)
        {
            pending.Enqueue(container);
        }
    }

    private void Resolve(ObjectResult owner, int index)
    {
        var field = owner.Fields[index];
        var resolveContext = spare?.Reset(owner, index) ?? new PlannedFieldContext(strategy, context, owner, index);
        spare = null;
        ValueTask<object?> resolving;
        try
        {
            resolving = field.Resolver.ResolveAsync(resolveContext);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            Fail(owner, index, field, e);
            return;
        }

        if (!resolving.IsCompleted)
        {
            tasks.Add(ResolveLaterAsync(owner, index, field, resolving));
            running.Add((owner, index));
            return;
        }

        object? result;
        try
        {
            result = resolving.Result;
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            Fail(owner, index, field, e);
            return;
        }

        if (result is IDataLoaderResult)
        {
            owner.Values![index] = result;
            loaders.Enqueue((owner, index));
            return;
        }

        Complete(owner, index, field, field.Definition.ResolvedType!, result);

        // As GraphQL.NET: the context is used again unless a lazy list may still read it.
        if (result is not IEnumerable || result is string)
        {
            spare = resolveContext;
        }

        Advance(owner.Values![index]);
    }

    private async Task ResolveLaterAsync(ObjectResult owner, int index, PlannedField field, ValueTask<object?> resolving)
    {
        try
        {
            var result = await resolving.ConfigureAwait(false);
            owner.Values![index] = result;
            if (result is not IDataLoaderResult)
            {
                Complete(owner, index, field, field.Definition.ResolvedType!, result);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            Fail(owner, index, field, e);
        }
    }

    private async Task CompleteLoadedAsync(ResultContainer container, int index)
    {
        try
        {
            CompleteLoaded(container, index, await ((IDataLoaderResult)container.Values![index]!).GetResultAsync(context.CancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            Fail(container, index, container.Slot(index).Field, e);
        }
    }

    /// <summary>A loader's result in its slot: completed, or left to be awaited in turn when it is another loader's result.</summary>
    private void CompleteLoaded(ResultContainer container, int index, object? result)
    {
        container.Values![index] = result;
        if (result is not IDataLoaderResult)
        {
            var (field, type) = container.Slot(index);
            Complete(container, index, field, type, result);
        }
    }

    /// <summary>Completes a resolved value into its slot, or records why it cannot be (the slot is then null).</summary>
    private void Complete(ResultContainer container, int index, PlannedField field, IGraphType type, object? value)
    {
        try
        {
            container.Values![index] = CompleteValue(container, index, field, type, value);
        }
        catch (Exception e) when (e is not OperationCanceledException || !context.CancellationToken.IsCancellationRequested)
        {
            Fail(container, index, field, e);
        }
    }

    private object? CompleteValue(ResultContainer container, int index, PlannedField field, IGraphType type, object? value)
    {
        var named = type is NonNullGraphType nonNull ? nonNull.ResolvedType! : type;

        // A UTC DateTime of the DateTime scalar stays as it is, for the JSON writer, whose text for it is the scalar's
        // (RoundTripDateTimeGraphTypeTests): no string made per value (316 on the benchmark's page of referrals).
        if (named is ScalarGraphType scalar && !(value is DateTime { Kind: DateTimeKind.Utc } && scalar is RoundTripDateTimeGraphType))
        {
            value = value is Enum constant && scalar is EnumerationGraphType enumeration ? field.SerializeEnum(enumeration, constant) : scalar.Serialize(value);
        }

        if (value is null)
        {
            return type is NonNullGraphType ? throw new InvalidOperationException($"Cannot return null for a non-null type. Field: {field.Name}, Type: {type}.") : null;
        }

        switch (named)
        {
            case ScalarGraphType:
                return value;
            case ListGraphType list:
                return CompleteList(container, index, field, list, value);
            case IObjectGraphType objectType:
                return NewObject(objectType, field, value, container, index);
            case IAbstractGraphType abstractType:
                var resolved = abstractType.GetObjectType(value, context.Schema)
                    ?? throw new InvalidOperationException($"Abstract type {abstractType.Name} must resolve to an Object type at runtime for field {field.Definition.Name} with value '{value}', received 'null'.");
                return abstractType.IsPossibleType(resolved)
                    ? NewObject(resolved, field, value, container, index)
                    : throw new InvalidOperationException($"Runtime Object type '{resolved}' is not a possible type for '{abstractType}'.");
            default:
                throw new InvalidOperationException($"Unexpected type: {named}");
        }
    }

    private ObjectResult NewObject(IObjectGraphType type, PlannedField field, object value, ResultContainer container, int index)
    {
        if (type.IsTypeOf is { } isTypeOf && !type.SkipTypeCheck && !isTypeOf(value))
        {
            throw new InvalidOperationException($"'{value}' value of type '{value.GetType()}' is not allowed for '{type.Name}'. Either change IsTypeOf method of '{type.Name}' to accept this value or return another value from your resolver.");
        }

        return new ObjectResult(type, strategy.FieldsOf(context, type, field.Field.SelectionSet!), value, container, index);
    }

    private ListResult CompleteList(ResultContainer container, int index, PlannedField field, ListGraphType type, object value)
    {
        if (value is not IEnumerable data)
        {
            throw new InvalidOperationException($"Expected an IEnumerable list though did not find one. Found: {value.GetType().Name}");
        }

        var itemType = type.ResolvedType!;
        var allowNulls = itemType is not NonNullGraphType;
        if ((allowNulls ? itemType : ((NonNullGraphType)itemType).ResolvedType) is ScalarGraphType scalar && scalar.CanSerializeList(data, allowNulls))
        {
            return new ListResult(field, itemType, null, container, index) { Serialized = scalar.SerializeList(data) };
        }

        var items = data is ICollection collection ? new object?[collection.Count] : null;
        if (items is null)
        {
            var buffered = new List<object?>();
            foreach (var item in data)
            {
                buffered.Add(item);
            }

            items = [.. buffered];
        }
        else if (data is IList indexed)
        {
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = indexed[i];
            }
        }
        else
        {
            var i = 0;
            foreach (var item in data)
            {
                items[i++] = item;
            }
        }

        var list = new ListResult(field, itemType, items, container, index);
        for (var i = 0; i < items.Length; i++)
        {
            if (items[i] is not IDataLoaderResult)
            {
                Complete(list, i, field, itemType, items[i]);
            }
        }

        return list;
    }

    /// <summary>A slot that failed: GraphQL.NET's error (its message for an unexpected exception), with the slot's path and location; the slot is null.</summary>
    private void Fail(ResultContainer container, int index, PlannedField field, Exception exception)
    {
        if (context.ThrowOnUnhandledException && exception is not ExecutionError)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(exception);
        }

        ExecutionError error;
        if (exception is ExecutionError executionError)
        {
            error = executionError;
        }
        else
        {
            var handling = new UnhandledExceptionContext(context, PlannedFieldContext.For(strategy, context, container, index), exception);

            // The delegate is asynchronous by signature; the server's is the default, already complete.
            context.UnhandledExceptionDelegate(handling).GetAwaiter().GetResult();
            error = handling.Exception as ExecutionError ?? new UnhandledError(handling.ErrorMessage ?? $"Error trying to resolve field '{field.Name}'.", handling.Exception);
        }

        error.AddLocation(field.Field, context.Document);
        error.Path = container.PathTo(index, aliases: true);
        context.Errors.Add(error);
        container.Values![index] = null;
    }
}

/// <summary>An object or a list of the answer: its values by field or by position.</summary>
internal abstract class ResultContainer(object?[]? values, ResultContainer? parent, int indexInParent)
{
    /// <summary>The values; null when the container itself is null (a non-null field under it was null).</summary>
    public object?[]? Values { get; protected set; } = values;

    public ResultContainer? Parent { get; } = parent;

    public int IndexInParent { get; } = indexInParent;

    /// <summary>The field and the type a slot's value completes as.</summary>
    public abstract (PlannedField Field, IGraphType Type) Slot(int index);

    /// <summary>True when the value is null in the answer, after nulls from below are propagated.</summary>
    public static bool IsNull(object? value) => value switch
    {
        null => true,
        ResultContainer container => container.PropagateNull(),
        _ => false,
    };

    /// <summary>GraphQL.NET's null propagation: true when this container is null in the answer.</summary>
    public bool PropagateNull()
    {
        if (Values is null)
        {
            return this is not ListResult { Serialized: not null };
        }

        for (var i = 0; i < Values.Length; i++)
        {
            if (IsNull(Values[i]) && Slot(i).Type is NonNullGraphType)
            {
                Values = null;
                return true;
            }
        }

        return false;
    }

    /// <summary>The path of a slot from the answer's root: names (aliases, or field names) and positions.</summary>
    public List<object> PathTo(int index, bool aliases)
    {
        var path = Parent?.PathTo(IndexInParent, aliases) ?? [];
        path.Add(this is ObjectResult owner ? (aliases ? owner.Fields[index].Name : owner.Fields[index].Definition.Name) : index);
        return path;
    }
}

internal sealed class ObjectResult(IObjectGraphType type, PlannedField[] fields, object? source, ResultContainer? parent, int indexInParent)
    : ResultContainer(new object?[fields.Length], parent, indexInParent)
{
    public IObjectGraphType Type { get; } = type;

    public PlannedField[] Fields { get; } = fields;

    public object? Source { get; } = source;

    public override (PlannedField Field, IGraphType Type) Slot(int index) => (Fields[index], Fields[index].Definition.ResolvedType!);
}

internal sealed class ListResult(PlannedField field, IGraphType itemType, object?[]? items, ResultContainer parent, int indexInParent)
    : ResultContainer(items, parent, indexInParent)
{
    public PlannedField Field { get; } = field;

    /// <summary>A list of scalars its scalar serialized at once, written as it is (no items then).</summary>
    public object? Serialized { get; init; }

    public override (PlannedField Field, IGraphType Type) Slot(int index) => (Field, itemType);
}

/// <summary>The data of a planned answer, written by GraphQL.NET's serializer through its converter.</summary>
[JsonConverter(typeof(PlannedAnswerConverter))]
internal sealed class PlannedAnswer(ObjectResult root)
{
    public ObjectResult Root { get; } = root;
}

/// <summary>Writes a planned answer as GraphQL.NET's serializer writes an execution node tree.</summary>
internal sealed class PlannedAnswerConverter : JsonConverter<PlannedAnswer>
{
    public override PlannedAnswer Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

    public override void Write(Utf8JsonWriter writer, PlannedAnswer value, JsonSerializerOptions options) => WriteValue(writer, value.Root, options);

    private static void WriteValue(Utf8JsonWriter writer, object? value, JsonSerializerOptions options)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case DateTime time:
                writer.WriteStringValue(time);
                break;
            case ObjectResult { Values: { } values } objectResult:
                writer.WriteStartObject();
                for (var i = 0; i < values.Length; i++)
                {
                    writer.WritePropertyName(objectResult.Fields[i].EncodedName(options));
                    WriteValue(writer, values[i], options);
                }

                writer.WriteEndObject();
                break;
            case ListResult { Values: { } items }:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    WriteValue(writer, item, options);
                }

                writer.WriteEndArray();
                break;
            case ListResult list:
                JsonSerializer.Serialize(writer, list.Serialized, options);
                break;
            case ResultContainer:
                writer.WriteNullValue();
                break;
            default:
                JsonSerializer.Serialize(writer, value, options);
                break;
        }
    }
}

/// <summary>The resolve context of a planned field; used again for the next field when its resolver has finished with it.</summary>
internal sealed class PlannedFieldContext(QueryExecutionStrategy strategy, ExecutionContext context, ObjectResult owner, int index) : IResolveFieldContext<object?>
{
    private ObjectResult owner = owner;
    private int index = index;
    private IResolveFieldContext? parent;
    private Dictionary<string, (GraphQLField Field, FieldType FieldType)>? subFields;

    private PlannedField Planned => owner.Fields[index];

    public GraphQLField FieldAst => Planned.Field;

    public FieldType FieldDefinition => Planned.Definition;

    public IObjectGraphType ParentType => owner.Type;

    public IResolveFieldContext? Parent => parent ??= owner.Parent is null ? null : For(strategy, context, owner.Parent, owner.IndexInParent);

    public IDictionary<string, ArgumentValue>? Arguments => context.GetArguments(Planned.Definition, Planned.ArgumentsFrom);

    public IDictionary<string, DirectiveInfo>? Directives => context.GetDirectives(Planned.Field);

    public object? RootValue => context.RootValue;

    public object? Source => owner.Source;

    public ISchema Schema => context.Schema;

    public GraphQLDocument Document => context.Document;

    public GraphQLOperationDefinition Operation => context.Operation;

    public Variables Variables => context.Variables;

    public CancellationToken CancellationToken => context.CancellationToken;

    public Metrics Metrics => context.Metrics;

    public ExecutionErrors Errors => context.Errors;

    public IEnumerable<object> Path => owner.PathTo(index, aliases: false);

    public IEnumerable<object> ResponsePath => owner.PathTo(index, aliases: true);

    public Dictionary<string, (GraphQLField Field, FieldType FieldType)>? SubFields => subFields ??= strategy.SubFieldsOf(context, Planned);

    public IDictionary<string, object?> UserContext => context.UserContext;

    public IReadOnlyDictionary<string, object?> InputExtensions => context.InputExtensions;

    public IDictionary<string, object?> OutputExtensions => context.OutputExtensions;

    public IServiceProvider? RequestServices => context.RequestServices;

    public IExecutionArrayPool ArrayPool => context;

    public ClaimsPrincipal? User => context.User;

    public IExecutionContext ExecutionContext => context;

    /// <summary>The context of the field that holds a slot (a list's slot: the list's field), or null at the root.</summary>
    public static PlannedFieldContext? For(QueryExecutionStrategy strategy, ExecutionContext context, ResultContainer? container, int index)
    {
        while (container is ListResult list)
        {
            index = list.IndexInParent;
            container = list.Parent;
        }

        return container is ObjectResult holder ? new PlannedFieldContext(strategy, context, holder, index) : null;
    }

    public PlannedFieldContext Reset(ObjectResult nextOwner, int nextIndex)
    {
        owner = nextOwner;
        index = nextIndex;
        parent = null;
        subFields = null;
        return this;
    }
}
