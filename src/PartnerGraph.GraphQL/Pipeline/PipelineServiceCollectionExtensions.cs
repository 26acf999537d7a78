using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.TrustedDocuments;

namespace PartnerGraph.GraphQL.Pipeline;

public static class PipelineServiceCollectionExtensions
{
    /// <summary>The operation pipeline and its steps.</summary>
    public static IServiceCollection AddOperationPipeline(this IServiceCollection services)
    {
        services.AddOptions<QueryLimitsOptions>().BindConfiguration(QueryLimitsOptions.Section);
        services.AddOptions<DocumentCacheOptions>().BindConfiguration(DocumentCacheOptions.Section);
        services.AddOptions<TrustedDocumentOptions>().BindConfiguration(TrustedDocumentOptions.Section);
        services.AddSingleton<TrustedDocumentStore>();
        services.AddSingleton<DocumentCache>();
        services.AddSingleton<QueryLimits>();
        services.AddSingleton<SubscriptionFanOut>();
        services.AddSingleton<GraphQLRunner>();
        services.AddSingleton<ClientRateLimiter, LocalClientRateLimiter>();
        services.AddSingleton<ClientSlots, LocalClientSlots>();
        services.AddSingleton<LiveConnections>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveConnections>());
        services.AddSingleton<OperationPipeline>();
        return services;
    }
}
