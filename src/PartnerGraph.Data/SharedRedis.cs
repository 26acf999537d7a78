using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace PartnerGraph.Data;

/// <summary>
/// The one Redis connection of an instance, when Redis:Connection is set: what instances share besides the database
/// (the outbox signal, request rates, connection and subscription slots). The instance starts without Redis and
/// connects when it comes; each user of it says what it does meanwhile.
/// </summary>
public sealed partial class SharedRedis : IDisposable
{
    public const string ConnectionSetting = "Redis:Connection";

    private readonly ConnectionMultiplexer redis;

    public SharedRedis(string configuration, ILogger<SharedRedis> logger)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false; // start without Redis, connect when it comes
        options.ClientName = "partnergraph";
        redis = ConnectionMultiplexer.Connect(options);
        redis.ConnectionFailed += (_, e) => LogLost(logger, e.FailureType);
    }

    public bool IsConnected => redis.IsConnected;

    public IDatabase Database => redis.GetDatabase();

    public ISubscriber Subscriber => redis.GetSubscriber();

    /// <summary>Calls the action each time the connection is back after a loss.</summary>
    public void WhenRestored(Action action) => redis.ConnectionRestored += (_, _) => action();

    public void Dispose() => redis.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis connection lost ({Failure}); instances go on alone until it is back")]
    private static partial void LogLost(ILogger logger, ConnectionFailureType failure);
}
