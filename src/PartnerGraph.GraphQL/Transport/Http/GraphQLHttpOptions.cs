namespace PartnerGraph.GraphQL.Transport.Http;

/// <summary>Configuration section "GraphQL".</summary>
public sealed class GraphQLHttpOptions
{
    public const string Section = "GraphQL";

    /// <summary>The largest request body accepted; larger ones get 413.</summary>
    public int MaxRequestBytes { get; set; } = 256 * 1024;
}
