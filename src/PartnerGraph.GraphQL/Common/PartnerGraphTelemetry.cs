using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// The activity source and meter of PartnerGraph's GraphQL work. Spans and tags name operations, types and error
/// codes only: never a document, a variable or a value.
/// </summary>
public static class PartnerGraphTelemetry
{
    public const string SourceName = "PartnerGraph";

    public static ActivitySource Source { get; } = new(SourceName);

    private static readonly Meter Meter = new(SourceName);

    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("partnergraph.graphql.requests", description: "GraphQL requests by outcome (ALLOWED, REFUSED, FAILED) and first error code.");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("partnergraph.graphql.request.duration", unit: "s", description: "Time from arrival to the answer, refusals included.");

    public static void RecordRequest(string outcome, string? errorCode, string? operationType, TimeSpan elapsed)
    {
        var tags = new TagList { { "outcome", outcome }, { "error.code", errorCode ?? "" }, { "graphql.operation.type", operationType ?? "" } };
        Requests.Add(1, tags);
        Duration.Record(elapsed.TotalSeconds, tags);
    }
}
