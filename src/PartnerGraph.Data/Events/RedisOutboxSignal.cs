using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace PartnerGraph.Data.Events;

/// <summary>
/// Several instances: the signal goes through Redis pub/sub. When Redis is away, queries and mutations go on, feeds fall
/// back to polling the outbox, and readiness says degraded; when it is back, feeds are woken to catch up at once.
/// </summary>
public sealed partial class RedisOutboxSignal : OutboxSignal
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("partnergraph:outbox");
    private readonly SharedRedis redis;
    private readonly ILogger<RedisOutboxSignal> logger;

    public RedisOutboxSignal(SharedRedis redis, ILogger<RedisOutboxSignal> logger)
    {
        this.redis = redis;
        this.logger = logger;
        redis.WhenRestored(Raise);
        redis.Subscriber.Subscribe(Channel, (_, _) => Raise());
    }

    public override bool IsConnected => redis.IsConnected;

    public override void Notify()
    {
        Raise();
        try
        {
            redis.Subscriber.Publish(Channel, RedisValue.EmptyString, CommandFlags.FireAndForget);
        }
        catch (RedisException e)
        {
            // The other instances will find the event when they next poll the outbox.
            LogPublishFailed(e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the outbox signal to Redis ({Error})")]
    private partial void LogPublishFailed(string error);
}
