using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Hosting;

/// <summary>With an OTLP endpoint configured, requests, GraphQL work and database commands make spans and measurements that carry no values.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task A_query_makes_request_graphql_and_database_spans_and_request_metrics_without_values()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "PartnerGraph" or "GraphQL" or "Microsoft.AspNetCore" || source.Name.Contains("EntityFrameworkCore", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var requests = new ConcurrentQueue<(long Value, Dictionary<string, object?> Tags)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "PartnerGraph")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "partnergraph.graphql.requests")
            {
                requests.Enqueue((value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
            }
        });
        meters.Start();

        await using var app = await PartnerGraphApp.StartAsync(settings: new Dictionary<string, string?> { ["OpenTelemetry:Otlp:Endpoint"] = "http://127.0.0.1:9" });
        var client = await app.GraphQLAsync();
        (await client.PostAsync("query Page($n: Int, $s: [ReferralStatus!]) { referrals(first: $n, filter: { status: $s }) { nodes { reference } } }", new { n = 3, s = new[] { "SUBMITTED" } })).AssertNoErrors();
        Assert.Equal("MAX_DEPTH_EXCEEDED", (await client.PostAsync("{ viewer { organisation { provinces { districts { province { districts { province { districts { province { districts { province { districts { code } } } } } } } } } } } } }")).FirstErrorCode);

        var names = spans.Select(s => (s.Source.Name, s.OperationName)).ToList();
        Assert.Contains(names, n => n == ("PartnerGraph", "graphql.parse"));
        Assert.Contains(spans, s => s.OperationName == "graphql.limits" && (s.GetTagItem("error.code") as string) == "MAX_DEPTH_EXCEEDED");
        Assert.Contains(names, n => n.Name == "GraphQL");
        Assert.Contains(names, n => n.Name.Contains("EntityFrameworkCore", StringComparison.Ordinal));
        Assert.Contains(names, n => n.Name == "Microsoft.AspNetCore");
        var tagValues = spans.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString() ?? "").ToList();
        Assert.DoesNotContain(tagValues, v => v.Contains("SUBMITTED", StringComparison.Ordinal) || v.Contains("referrals(first", StringComparison.Ordinal));
        Assert.DoesNotContain(tagValues, v => v.Contains(client.Token!, StringComparison.Ordinal));

        meters.RecordObservableInstruments();
        Assert.Contains(requests, r => (string?)r.Tags["outcome"] == "ALLOWED" && (string?)r.Tags["graphql.operation.type"] == "query");
        Assert.Contains(requests, r => (string?)r.Tags["outcome"] == "REFUSED" && (string?)r.Tags["error.code"] == "MAX_DEPTH_EXCEEDED");
    }
}
