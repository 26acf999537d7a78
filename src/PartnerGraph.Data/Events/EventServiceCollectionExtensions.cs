using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace PartnerGraph.Data.Events;

public static class EventServiceCollectionExtensions
{
    /// <summary>
    /// The outbox feed of this instance and the signal that wakes it: through Redis pub/sub when Redis:Connection is set
    /// (the instance's shared Redis connection), within the process otherwise.
    /// </summary>
    public static IServiceCollection AddPartnerGraphEvents(this IServiceCollection services, IConfiguration configuration)
    {
        if (configuration[SharedRedis.ConnectionSetting] is { Length: > 0 } redis)
        {
            services.AddSingleton(sp => new SharedRedis(redis, sp.GetRequiredService<ILogger<SharedRedis>>()));
            services.AddSingleton<OutboxSignal, RedisOutboxSignal>();
        }
        else
        {
            services.AddSingleton<OutboxSignal, LocalOutboxSignal>();
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ReferralEventOptions>().BindConfiguration(ReferralEventOptions.Section);
        services.AddSingleton<ReferralEventFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<ReferralEventFeed>());
        return services;
    }
}
