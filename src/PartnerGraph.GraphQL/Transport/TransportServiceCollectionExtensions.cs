using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.GraphQL.Transport.Http;
using PartnerGraph.GraphQL.Transport.Sse;
using PartnerGraph.GraphQL.Transport.WebSockets;

namespace PartnerGraph.GraphQL.Transport;

public static class TransportServiceCollectionExtensions
{
    /// <summary>GraphQL over HTTP, Server-Sent Events and WebSocket: each a protocol around the operation pipeline.</summary>
    public static IServiceCollection AddPartnerGraphTransports(this IServiceCollection services)
    {
        services.AddOptions<GraphQLHttpOptions>().BindConfiguration(GraphQLHttpOptions.Section);
        services.AddOptions<GraphQLSseOptions>().BindConfiguration(GraphQLSseOptions.Section)
            .Validate(o => SendPacer.IsValid(o.SendIntervalMilliseconds), $"{GraphQLSseOptions.Section}:SendIntervalMilliseconds: {SendPacer.ValidRange}").ValidateOnStart();
        services.AddOptions<GraphQLWsOptions>().BindConfiguration(GraphQLWsOptions.Section)
            .Validate(o => SendPacer.IsValid(o.SendIntervalMilliseconds), $"{GraphQLWsOptions.Section}:SendIntervalMilliseconds: {SendPacer.ValidRange}").ValidateOnStart();
        services.AddSingleton<GraphQLRequestReader>();
        services.AddSingleton<HttpAnswers>();
        services.AddSingleton<GraphQLHttpEndpoint>();
        services.AddSingleton<GraphQLSseTransport>();
        services.AddSingleton<GraphQLWsTransport>();
        return services;
    }

    /// <summary>/graphql: a WebSocket upgrade, an event stream, or a plain GraphQL-over-HTTP request.</summary>
    public static IEndpointConventionBuilder MapGraphQLHttp(this IEndpointRouteBuilder endpoints, string pattern = "/graphql") =>
        endpoints.Map(pattern, async http =>
        {
            if (GraphQLWsTransport.IsRequested(http))
            {
                await http.RequestServices.GetRequiredService<GraphQLWsTransport>().HandleAsync(http);
                return;
            }

            var sse = http.RequestServices.GetRequiredService<GraphQLSseTransport>();
            if (await sse.IsRequestedAsync(http.Request))
            {
                await sse.HandleAsync(http);
                return;
            }

            await http.RequestServices.GetRequiredService<GraphQLHttpEndpoint>().HandleAsync(http);
        });
}
