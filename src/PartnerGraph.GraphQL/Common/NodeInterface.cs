using GraphQL.Types;

namespace PartnerGraph.GraphQL.Common;

/// <summary>The Relay Node interface: anything with a global id that node(id:) can fetch again.</summary>
public sealed class NodeInterface : InterfaceGraphType
{
    public NodeInterface()
    {
        Name = "Node";
        Description = "An object with a global id, which node(id:) fetches again.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("Global id of the object.");
    }
}
