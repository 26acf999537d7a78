using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.GraphQL.Webhooks;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>Webhook registration (mutations, queries, command line) and delivery (a hosted service on every instance).</summary>
    public static IServiceCollection AddPartnerGraphWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section);
        services.AddSingleton<WebhookAddressGuard>();
        services.AddSingleton<WebhookSecretProtector>();
        services.AddSingleton<WebhookRegistry>();
        services.AddSingleton<IRootFields, WebhookQueries>();
        services.AddSingleton<IRootFields, WebhookMutations>();
        services.AddHostedService<WebhookDispatcher>();
        return services;
    }
}
