using GraphQL.Types;
using GraphQL.Types.Relay;
using GraphQL.Types.Relay.DataObjects;

namespace PartnerGraph.GraphQL.Common;

/// <summary>A Relay connection of TNodeType: edges, nodes, pageInfo and totalCount (counted only when asked for).</summary>
public sealed class ConnectionType<TNodeType, T> : ObjectGraphType<Page<T>>
    where TNodeType : IGraphType
{
    public ConnectionType()
    {
        var node = NodeName();
        Name = node + "Connection";
        Description = $"A page of {node} items.";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<EdgeType<TNodeType, T>>>>, IEnumerable<Edge<T>>>("edges")
            .Resolve(c => c.Source.Edges);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TNodeType>>>, IEnumerable<T>>("nodes")
            .Description("The items of this page, for clients that do not need cursors per item.")
            .Resolve(c => c.Source.Nodes);
        Field<NonNullGraphType<PageInfoType>, PageInfo>("pageInfo").Resolve(c => c.Source.PageInfo);
        Field<NonNullGraphType<IntGraphType>, int>("totalCount")
            .Description("How many items the whole list holds, with the same filter.")
            .ResolveAsync(async c => await c.Source.CountAsync(c.CancellationToken));
    }

    internal static string NodeName()
    {
        var name = typeof(TNodeType).Name;
        return name.EndsWith("GraphType", StringComparison.Ordinal) ? name[..^"GraphType".Length]
            : name.EndsWith("Type", StringComparison.Ordinal) ? name[..^"Type".Length]
            : name;
    }
}

public sealed class EdgeType<TNodeType, T> : ObjectGraphType<Edge<T>>
    where TNodeType : IGraphType
{
    public EdgeType()
    {
        Name = ConnectionType<TNodeType, T>.NodeName() + "Edge";
        Field<NonNullGraphType<StringGraphType>, string>("cursor").Resolve(c => c.Source.Cursor);
        Field<NonNullGraphType<TNodeType>, T>("node").Resolve(c => c.Source.Node!);
    }
}
