using GraphQL.Types;

namespace PartnerGraph.GraphQL.Common;

/// <summary>A feature's fields on a root type (Query, Mutation or Subscription), so each feature keeps its own folder.</summary>
public interface IRootFields
{
    RootOperation Operation { get; }

    void AddFields(ObjectGraphType root);
}

public enum RootOperation
{
    Query,
    Mutation,
    Subscription,
}
