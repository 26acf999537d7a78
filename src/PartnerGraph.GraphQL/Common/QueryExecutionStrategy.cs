using System.Runtime.CompilerServices;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQLParser.AST;
using ExecutionContext = GraphQL.Execution.ExecutionContext;

namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// Queries as GraphQL.NET runs them (in parallel), except that the fields of a selection are collected once per
/// selection and object type, not once per object. A page of 50 referrals has one selection for all 216 history
/// entries, and GraphQL.NET walked it and its fragments for each of them. A selection belongs to one parsed document,
/// which the document cache shares between requests; what it collects to depends on the object type (of one role's
/// schema) and, through @skip and @include, on the request's variables. So the collection is kept with the selection
/// when the request has no directive values, and made afresh for each object, as GraphQL.NET does, when it has.
/// </summary>
public sealed class QueryExecutionStrategy : ParallelExecutionStrategy
{
    private static readonly ConditionalWeakTable<GraphQLSelectionSet, Collected> Collections = [];

    protected override void SetSubFieldNodes(ExecutionContext context, ObjectExecutionNode parent)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(parent);
        if (context.DirectiveValues is { Count: > 0 } || parent.SelectionSet is not { } selection)
        {
            base.SetSubFieldNodes(context, parent);
            return;
        }

        var type = parent.GetObjectGraphType(context.Schema) ?? parent.GraphType!;
        var collected = Collections.GetValue(selection, static _ => new Collected());
        var fields = collected.Of(type) ?? collected.Add(type, [.. CollectFieldsFrom(context, type, selection, null).Values]);
        var nodes = new ExecutionNode[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            nodes[i] = BuildExecutionNode(parent, fields[i].Definition.ResolvedType!, fields[i].Field, fields[i].Definition);
        }

        parent.SubFields = nodes;
    }

    /// <summary>The fields a selection collects to, for each object type met so far (one, or a few for an interface).</summary>
    private sealed class Collected
    {
        private volatile (IGraphType Type, (GraphQLField Field, FieldType Definition)[] Fields)[] byType = [];

        public (GraphQLField Field, FieldType Definition)[]? Of(IGraphType type)
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
        public (GraphQLField Field, FieldType Definition)[] Add(IGraphType type, (GraphQLField Field, FieldType Definition)[] fields)
        {
            byType = [.. byType, (type, fields)];
            return fields;
        }
    }
}
