namespace PartnerGraph.Client.Subscriptions;

/// <summary>
/// When and how a subscription reconnects: at once the first time, then after a wait that doubles with each failed
/// attempt from ReconnectDelay up to MaxReconnectDelay, half of it random (jitter), so that many clients of a restarted
/// server do not come back in step. A token the server rejected is replaced first; three rejections in a row stop.
/// </summary>
internal sealed class ReconnectPolicy(PartnerGraphClient client)
{
    private const int MaxTokenRejections = 3;
    private readonly PartnerGraphClientOptions options = client.Options;
    private int failures;
    private int tokenRejections;
    private Disconnect? pending;

    /// <summary>Waits as the last disconnect asks, then connects until a session is open (or a refusal that cannot be mended is thrown).</summary>
    public async Task<GraphQLWsSession<T>> OpenAsync<T>(ResumableSubscription<T> subscription, long after, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (pending is { } disconnect)
            {
                var wait = DelayAfter(disconnect);
                options.OnSubscriptionEvent?.Invoke(new SubscriptionEvent(SubscriptionEventKind.Lost, after, disconnect.Why, wait));
                await Task.Delay(wait, options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }

            string token;
            try
            {
                token = await client.Tokens.GetAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (TokenRequestException e) when (e.IsTransient)
            {
                Failed(new Disconnect($"no token for now: {e.Message}", AtLeast: e.RetryAfter));
                continue;
            }
            catch (HttpRequestException e)
            {
                Failed(new Disconnect($"token endpoint unreachable: {e.Message}"));
                continue;
            }

            try
            {
                var session = await GraphQLWsSession<T>.OpenAsync(options, subscription, token, after, cancellationToken).ConfigureAwait(false);
                options.OnSubscriptionEvent?.Invoke(new SubscriptionEvent(SubscriptionEventKind.Subscribed, after, null, null));
                return session;
            }
            catch (SessionLostException lost)
            {
                Failed(lost.Disconnect);
            }
        }
    }

    /// <summary>An item came through: the connection works, so the next loss reconnects at once again.</summary>
    public void Delivered()
    {
        failures = 0;
        tokenRejections = 0;
    }

    /// <summary>An open session ended; one that ran longer than the longest wait counts as working.</summary>
    public void Lost<T>(GraphQLWsSession<T> session)
    {
        if (options.TimeProvider.GetUtcNow() - session.AcknowledgedAt >= options.MaxReconnectDelay)
        {
            Delivered();
        }

        Failed(session.Disconnect!);
    }

    private void Failed(Disconnect disconnect)
    {
        if (disconnect.RejectedToken is { } rejected)
        {
            client.Tokens.Reject(rejected);
            if (++tokenRejections >= MaxTokenRejections)
            {
                throw new SubscriptionClosedException(4403, $"{disconnect.Why} ({tokenRejections} fresh tokens refused in a row)");
            }
        }

        failures++;
        pending = disconnect;
    }

    private TimeSpan DelayAfter(Disconnect disconnect)
    {
        if (failures <= 1 && disconnect.AtLeast is null)
        {
            return TimeSpan.Zero;
        }

        var ceiling = options.ReconnectDelay * Math.Pow(2, Math.Min(failures - 1, 30));
        if (ceiling > options.MaxReconnectDelay)
        {
            ceiling = options.MaxReconnectDelay;
        }

        var wait = (ceiling / 2) + (ceiling / 2 * Random.Shared.NextDouble());
        return disconnect.AtLeast is { } least && least > wait ? least : wait;
    }
}
