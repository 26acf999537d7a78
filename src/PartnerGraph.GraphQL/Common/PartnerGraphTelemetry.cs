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

    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("partnergraph.graphql.requests", description: "GraphQL operations by outcome (ALLOWED, REFUSED, FAILED), first error code, operation type and transport.");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("partnergraph.graphql.request.duration", unit: "s", description: "Time from arrival to the answer, refusals included.");

    public static void RecordRequest(string outcome, string? errorCode, string? operationType, Pipeline.TransportKind transport, TimeSpan elapsed)
    {
        var tags = new TagList { { "outcome", outcome }, { "error.code", errorCode ?? "" }, { "graphql.operation.type", operationType ?? "" }, { "graphql.transport", TransportTag(transport) } };
        Requests.Add(1, tags);
        Duration.Record(elapsed.TotalSeconds, tags);
    }

    private static string TransportTag(Pipeline.TransportKind transport) => transport switch
    {
        Pipeline.TransportKind.Http => "http",
        Pipeline.TransportKind.ServerSentEvents => "sse",
        Pipeline.TransportKind.WebSocket => "websocket",
        _ => "none",
    };
}
