using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Data;
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
        services.AddOptions<AutomaticPersistedQueryOptions>().BindConfiguration(AutomaticPersistedQueryOptions.Section);
        services.AddSingleton<AutomaticPersistedQueries>();
        services.AddSingleton<TrustedDocumentStore>();
        services.AddSingleton<DocumentCache>();
        services.AddSingleton<QueryLimits>();
        services.AddSingleton<SubscriptionFanOut>();
        services.AddSingleton<GraphQLRunner>();
        // With Redis (Redis:Connection), a client's rate and slots are counted once for all instances.
        services.AddSingleton<LocalClientRateLimiter>();
        services.AddSingleton<LocalClientSlots>();
        services.AddSingleton<ClientRateLimiter>(sp => sp.GetService<SharedRedis>() is { } redis
            ? ActivatorUtilities.CreateInstance<RedisClientRateLimiter>(sp, redis)
            : sp.GetRequiredService<LocalClientRateLimiter>());
        services.AddSingleton<ClientSlots>(sp => sp.GetService<SharedRedis>() is { } redis
            ? ActivatorUtilities.CreateInstance<RedisClientSlots>(sp, redis)
            : sp.GetRequiredService<LocalClientSlots>());
        services.AddSingleton<LiveConnections>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveConnections>());
        services.AddSingleton<OperationPipeline>();
        return services;
    }
}
