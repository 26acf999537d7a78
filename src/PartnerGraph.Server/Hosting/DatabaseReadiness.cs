using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using PartnerGraph.Data;

namespace PartnerGraph.Server.Hosting;

/// <summary>Ready when the database answers and every migration has been applied.</summary>
public sealed class DatabaseReadiness(IDbContextFactory<PartnerGraphDbContext> databases) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
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

/// <summary>Health as a small JSON document: {"status": "ready"} or {"status": "unavailable", "code": "..."}.</summary>
public static class HealthResponses
{
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        var problem = report.Entries.Values.FirstOrDefault(e => e.Status != HealthStatus.Healthy);
        return http.Response.WriteAsJsonAsync(report.Status == HealthStatus.Healthy
            ? new HealthBody(report.Entries.Count == 0 ? "up" : "ready", null)
            : new HealthBody("unavailable", problem.Description));
    }

    private sealed record HealthBody(string Status, string? Code);
}
