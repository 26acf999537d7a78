using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PartnerGraph.Data;
using PartnerGraph.Data.Events;

namespace PartnerGraph.Server.Hosting;

/// <summary>Ready when the database answers, every migration has been applied and, after a start without it, it has been prepared.</summary>
public sealed class DatabaseReadiness(IDbContextFactory<PartnerGraphDbContext> databases, DatabasePreparation preparation) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (preparation.IsWaiting)
        {
            return HealthCheckResult.Unhealthy("DATABASE_UNAVAILABLE");
        }

        try
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return HealthCheckResult.Unhealthy("DATABASE_UNAVAILABLE");
            }

            var pending = await db.Database.GetPendingMigrationsAsync(cancellationToken);
            return pending.Any() ? HealthCheckResult.Unhealthy("MIGRATIONS_PENDING") : HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("DATABASE_UNAVAILABLE");
        }
    }
}

/// <summary>
/// Ready while Redis carries the signal between instances; degraded (still 200: queries, mutations and subscriptions
/// go on, events between instances wait for the outbox poll) while it is away.
/// </summary>
public sealed class SubscriptionSignalReadiness(OutboxSignal signal) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(signal.IsConnected ? HealthCheckResult.Healthy() : HealthCheckResult.Degraded("REDIS_UNAVAILABLE"));
}

/// <summary>Health as a small JSON document: {"status": "ready"}, {"status": "degraded", "code": "..."} or {"status": "unavailable", "code": "..."}.</summary>
public static class HealthResponses
{
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        var problem = report.Entries.Values.OrderBy(e => e.Status).FirstOrDefault(e => e.Status != HealthStatus.Healthy);
        return http.Response.WriteAsJsonAsync(report.Status switch
        {
            HealthStatus.Healthy => new HealthBody(report.Entries.Count == 0 ? "up" : "ready", null),
            HealthStatus.Degraded => new HealthBody("degraded", problem.Description),
            _ => new HealthBody("unavailable", problem.Description),
        });
    }

    private sealed record HealthBody(string Status, string? Code);
}
