using System.Runtime.CompilerServices;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQLParser.AST;
using ExecutionContext = GraphQL.Execution.ExecutionContext;

namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// Queries. A query without directive values runs by <see cref="PlannedExecution"/>: the fields of each selection are
/// collected once per selection and object type and kept with the parsed selection (the document cache shares it
/// between requests), and the answer is a tree of arrays written straight to JSON, with no execution node per field.
/// Anything else (@skip/@include values, introspection, a schema that tracks the resolving field) runs as GraphQL.NET
/// runs it, in parallel, with the same collections kept for a request without directive values. Both give GraphQL.NET's
/// answer, byte for byte (QueryExecutionStrategyTests).
/// </summary>
public sealed class QueryExecutionStrategy : ParallelExecutionStrategy
{
    private static readonly ConditionalWeakTable<GraphQLSelectionSet, Collected> Collections = [];

    public override Task<ExecutionResult> ExecuteAsync(ExecutionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Operation.Operation != OperationType.Query
            || context.DirectiveValues is { Count: > 0 }
            || context.MaxParallelExecutionCount is not null
            || (context.Schema as global::GraphQL.Types.Schema)?.ResolveFieldContextAccessor is not null
            || context.Schema.Query is not { } root
            || FieldsOf(context, root, context.Operation.SelectionSet) is var rootFields && Introspects(context.Schema, rootFields))
        {
            return base.ExecuteAsync(context);
        }

        return new PlannedExecution(this, context).ExecuteAsync(root, rootFields);
    }

    private static bool Introspects(ISchema schema, PlannedField[] rootFields)
    {
        foreach (var field in rootFields)
        {
            if (field.Definition == schema.SchemaMetaFieldType || field.Definition == schema.TypeMetaFieldType)
            {
                return true;
            }
        }

        return false;
    }

    protected override void SetSubFieldNodes(ExecutionContext context, ObjectExecutionNode parent)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(parent);
        if (context.DirectiveValues is { Count: > 0 } || parent.SelectionSet is not { } selection)
        {
            base.SetSubFieldNodes(context, parent);
            return;
        }

        var fields = FieldsOf(context, parent.GetObjectGraphType(context.Schema) ?? parent.GraphType!, selection);
        var nodes = new ExecutionNode[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            nodes[i] = BuildExecutionNode(parent, fields[i].Definition.ResolvedType!, fields[i].Field, fields[i].Definition);
            fields[i].ShareArguments(context);
        }

        parent.SubFields = nodes;
    }

    /// <summary>The fields a selection collects to on an object type, for a request without directive values: collected once, then kept.</summary>
    internal PlannedField[] FieldsOf(ExecutionContext context, IGraphType type, GraphQLSelectionSet selection)
    {
        var collected = Collections.GetValue(selection, static _ => new Collected());
        return collected.Of(type) ?? collected.Add(type, Collect(context, type, selection));
    }

    // Apart from FieldsOf, which runs for every object of an answer: its lambda's closure would be made on every call.
    private PlannedField[] Collect(ExecutionContext context, IGraphType type, GraphQLSelectionSet selection) =>
        [.. CollectFieldsFrom(context, type, selection, null).Values.Select(f => new PlannedField(f.field, f.fieldType, ArgumentsOf(context.Document, selection, f.field)))];

    /// <summary>What IResolveFieldContext.SubFields gives: the fields of a field's own selection, on its declared type.</summary>
    internal Dictionary<string, (GraphQLField Field, FieldType FieldType)>? SubFieldsOf(ExecutionContext context, PlannedField field) =>
        field.Field.SelectionSet?.Selections?.Count > 0 ? CollectFieldsFrom(context, field.Definition.ResolvedType!, field.Field.SelectionSet, null) : null;

    /// <summary>
    /// The field whose argument values a request holds. Two selections of one response name are merged into a new field
    /// node with the first one's arguments; the executer records their values for the new node in the request that
    /// collected it, so a collection kept for later requests must look them up under the first one.
    /// </summary>
    private static GraphQLField ArgumentsOf(GraphQLDocument document, GraphQLSelectionSet selection, GraphQLField collected)
    {
        return collected.Arguments is null ? collected : Find(selection) ?? collected;

        GraphQLField? Find(GraphQLSelectionSet? set)
        {
            foreach (var item in set?.Selections ?? [])
            {
                var found = item switch
                {
                    GraphQLField field when ReferenceEquals(field.Arguments, collected.Arguments) => field,
                    GraphQLInlineFragment inline => Find(inline.SelectionSet),
                    GraphQLFragmentSpread spread => Find(document.Definitions.OfType<GraphQLFragmentDefinition>().FirstOrDefault(f => f.FragmentName.Name == spread.FragmentName.Name)?.SelectionSet),
                    _ => null,
                };
                if (found is not null)
                {
                    return found;
                }
            }

            return null;
        }
    }

    /// <summary>The fields a selection collects to, for each object type met so far (one, or a few for an interface).</summary>
    private sealed class Collected
    {
        private volatile (IGraphType Type, PlannedField[] Fields)[] byType = [];

        public PlannedField[]? Of(IGraphType type)
        {
            foreach (var entry in byType)
            {
                if (ReferenceEquals(entry.Type, type))
                {
                    return entry.Fields;
                }
            }

            return null;
        }

        /// <summary>Adds a collection; two requests that race both compute the same one, and either may be kept.</summary>
        public PlannedField[] Add(IGraphType type, PlannedField[] fields)
        {
            byType = [.. byType, (type, fields)];
            return fields;
        }
    }
}
