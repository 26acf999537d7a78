using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace PartnerGraph.GraphQL.Events;

/// <summary>
/// Several instances: the signal goes through Redis pub/sub. When Redis is away, queries and mutations go on, feeds fall
/// back to polling the outbox, and readiness says degraded; when it is back, feeds are woken to catch up at once.
/// </summary>
public sealed partial class RedisOutboxSignal : OutboxSignal, IDisposable
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("partnergraph:outbox");
    private readonly ConnectionMultiplexer redis;
    private readonly ILogger<RedisOutboxSignal> logger;

    public RedisOutboxSignal(string configuration, ILogger<RedisOutboxSignal> logger)
    {
        this.logger = logger;
        var options = ConfigurationOptions.Parse(configuration);
        options.AbortOnConnectFail = false; // start without Redis, connect when it comes
        options.ClientName = "partnergraph";
        redis = ConnectionMultiplexer.Connect(options);
        redis.ConnectionRestored += (_, _) => Raise();
        redis.ConnectionFailed += (_, e) => LogLost(e.FailureType);
        redis.GetSubscriber().Subscribe(Channel, (_, _) => Raise());
    }

    public override bool IsConnected => redis.IsConnected;

    public override bool IsShared => true;

    public override void Notify()
    {
        Raise();
        try
        {
            redis.GetSubscriber().Publish(Channel, RedisValue.EmptyString, CommandFlags.FireAndForget);
        }
        catch (RedisException e)
        {
            // The other instances will find the event when they next poll the outbox.
            LogPublishFailed(e.GetType().Name);
        }
    }

    public void Dispose() => redis.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis connection lost ({Failure}); subscriptions fall back to polling the outbox")]
    private partial void LogLost(ConnectionFailureType failure);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the outbox signal to Redis ({Error})")]
    private partial void LogPublishFailed(string error);
}
