using GraphQL.Types;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.GraphQL;

/// <summary>The whole graph. Each feature folder adds its root fields through IRootFields.</summary>
public sealed class PartnerGraphSchema : Schema
{
    public PartnerGraphSchema(IServiceProvider services, IEnumerable<IRootFields> features)
        : base(services)
    {
        Description = "PartnerGraph: anonymised case statistics, referrals and programme coverage shared between Thailand's Anti-Human Trafficking Division and its partners.";
        Query = Root("Query", RootOperation.Query, features);
        RegisterType(typeof(Geography.DistrictType));
    }

    private static ObjectGraphType Root(string name, RootOperation operation, IEnumerable<IRootFields> features)
    {
        var root = new ObjectGraphType { Name = name };
        foreach (var feature in features.Where(f => f.Operation == operation))
        {
            feature.AddFields(root);
        }

        return root;
    }
}
