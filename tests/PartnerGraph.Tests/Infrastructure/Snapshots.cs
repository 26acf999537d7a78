using System.Text.Json.Nodes;
using Newtonsoft.Json.Linq;
using Snapshooter;
using Snapshooter.Xunit;

namespace PartnerGraph.Tests.Infrastructure;

public static class Snapshots
{
    /// <summary>Matches a response body against its committed snapshot under __snapshots__.</summary>
    public static void MatchSnapshot(this JsonNode? node, string? name = null)
    {
        var token = JToken.Parse(node?.ToJsonString() ?? "null");
        if (name is null)
        {
            Snapshot.Match(token);
        }
        else
        {
            Snapshot.Match(token, SnapshotNameExtension.Create(name));
        }
    }
}
