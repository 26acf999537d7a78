using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerGraph.Data;
using PartnerGraph.GraphQL.TrustedDocuments;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Pipeline;

/// <summary>
/// The live connections of this instance, and the rules kept on them while they last. Every half of
/// Identity:ClientStatusCacheSeconds each client with a live connection is read again from the database (once per
/// client, past the cache, which it refreshes): a connection whose caller is no longer admitted (client disabled,
/// analyst removed) is revoked, and when the client's rules changed (trusted documents only, scopes) each subscription
/// is checked as a new one would be, and ends with the refusal the new rules give. So a change reaches open
/// subscriptions within ClientStatusCacheSeconds, as it reaches new requests. A token's expiry revokes its connection
/// at that moment.
/// </summary>
public sealed partial class LiveConnections(
    CallerResolver callers,
    TrustedDocumentStore trustedDocuments,
    SchemaCatalogue schemas,
    GraphQLRunner runner,
    TimeProvider clock,
    IOptions<PartnerIdentityOptions> identity,
    ILogger<LiveConnections> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<ClientConnection, byte> open = new();

    /// <summary>How often live connections' clients are read again: half the status cache's lifetime, at least 0.5 s.</summary>
    public TimeSpan CheckInterval => TimeSpan.FromSeconds(Math.Max(identity.Value.ClientStatusCacheSeconds / 2.0, 0.5));

    internal ClientConnection Open(CallerCredential credential, TransportKind transport, Caller caller, IAsyncDisposable slot)
    {
        var connection = new ClientConnection(this, credential, transport, caller, slot);
        open.TryAdd(connection, 0);
        _ = RevokeAtExpiryAsync(connection);
        return connection;
    }

    internal void Forget(ClientConnection connection) => open.TryRemove(connection, out _);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await CheckAllAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // the instance is stopping
        }
    }

    /// <summary>Checks every live connection once; each client's state is read from the database once.</summary>
    internal async Task CheckAllAsync(CancellationToken cancellationToken)
    {
        var readFresh = new HashSet<string>(StringComparer.Ordinal);
        foreach (var connection in open.Keys)
        {
            try
            {
                await CheckAsync(connection, fresh: readFresh.Add(ClientKey.Of(connection.Caller)), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (DatabaseAvailability.IsUnavailable(e))
            {
                // The database is away: what stood stands until the next check.
                LogCheckFailed(logger, e.GetType().Name);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One connection's check must not stop the others' (nor, through this background service, the instance).
                LogCheckFailed(logger, e.GetType().Name);
            }
        }
    }

    private async Task CheckAsync(ClientConnection connection, bool fresh, CancellationToken cancellationToken)
    {
        var resolution = await connection.Credential.ResolveAsync(callers, fresh, cancellationToken).ConfigureAwait(false);
        if (resolution.Caller is not { } now)
        {
            connection.Revoke(Refusals.Of(resolution));
            return;
        }

        var before = connection.Caller;
        connection.Caller = now;
        if (before.TrustedDocumentsOnly == now.TrustedDocumentsOnly && before.ScopeKey == now.ScopeKey)
        {
            return;
        }

        foreach (var subscription in connection.Subscriptions())
        {
            if (await RefusalOfAsync(subscription, now, cancellationToken).ConfigureAwait(false) is { } refusal)
            {
                subscription.Stream.End(new OperationRevokedException(refusal));
            }
        }
    }

    /// <summary>What a running subscription would meet if it were sent now: the same document rules and the same schema as a new one.</summary>
    private async Task<OperationRefusal?> RefusalOfAsync(LiveSubscription subscription, Caller caller, CancellationToken cancellationToken)
    {
        try
        {
            await trustedDocuments.ResolveAsync(subscription.Request, caller, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationRefusedException refused)
        {
            return refused.Refusal;
        }

        return await runner.FindValidationErrorAsync(schemas.For(caller.Scopes), subscription.Request, subscription.Document).ConfigureAwait(false) is { } invalid
            ? new OperationRefusal(400, invalid.Code ?? "GRAPHQL_VALIDATION_FAILED", invalid.Message)
            : null;
    }

    private async Task RevokeAtExpiryAsync(ClientConnection connection)
    {
        if (connection.Caller.ExpiresAt is not { } expiresAt)
        {
            return;
        }

        try
        {
            var left = expiresAt - clock.GetUtcNow() + TimeSpan.FromMilliseconds(50);
            await Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero, clock, connection.Ended).ConfigureAwait(false);
            await CheckAsync(connection, fresh: false, connection.Ended).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the connection ended first
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An expired token fails its check before any database read; anything else waits for the next round.
            LogCheckFailed(logger, e.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live connections could not be checked ({Error}); trying again at the next round")]
    private static partial void LogCheckFailed(ILogger logger, string error);
}

/// <summary>The refusals the pipeline gives, each written once.</summary>
internal static class Refusals
{
    /// <summary>A token that admits no caller: 401 with the challenge of RFC 6750.</summary>
    public static OperationRefusal Of(CallerResolution resolution) =>
        new(401, resolution.ErrorCode!, resolution.Description!) { Challenge = resolution.Challenge };
}
