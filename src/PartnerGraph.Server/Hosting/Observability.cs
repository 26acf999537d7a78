using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.Server.Hosting;

/// <summary>
/// OpenTelemetry traces and metrics: ASP.NET Core requests, GraphQL parse, limits and execution, and EF Core's
/// database commands (their SQL holds parameters, never values), sent to an OTLP collector when one is configured
/// (OpenTelemetry:Otlp:Endpoint, or the standard OTEL_EXPORTER_OTLP_ENDPOINT) and not collected at all otherwise.
/// Logs stay the console's, with the category that would write token traffic held back.
/// </summary>
public static class Observability
{
    public const string ServiceName = "partnergraph";

    public static WebApplicationBuilder AddPartnerGraphObservability(this WebApplicationBuilder builder)
    {
        // OpenIddict writes every token request and response (secrets redacted) from Information down; only its
        // warnings are kept, so that a Debug level set for everything cannot write token material.
        builder.Logging.AddFilter("OpenIddict", LogLevel.Warning);

        var endpoint = builder.Configuration["OpenTelemetry:Otlp:Endpoint"] ?? builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            // Nothing would read them: no listener, so no span or measurement is even made.
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithTracing(tracing => tracing
                .AddSource(PartnerGraphTelemetry.SourceName, global::GraphQL.Telemetry.GraphQLTelemetryProvider.SourceName)
                // The query string may hold a GraphQL document and its variables: only the path is recorded.
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.EnrichWithHttpRequest = (activity, _) => activity.SetTag("url.query", null))
                .AddEntityFrameworkCoreInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(PartnerGraphTelemetry.SourceName)
                .AddAspNetCoreInstrumentation())
            .UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, new Uri(endpoint));
        return builder;
    }
}
