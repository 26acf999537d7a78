using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Data;
using PartnerGraph.Domain.Organisations;

namespace PartnerGraph.Identity.Analysts;

/// <summary>
/// DEMO ANALYSTS for Development only, with a password written here in the open. The server refuses to start outside
/// Development while any analyst has a .demo address or accepts this password.
/// </summary>
public static class DemoAnalysts
{
    public sealed record Definition(string Email, string OrganisationId, string RoleBundle);

    public const string Password = "demo-password-analyst";
    public const string Domain = ".demo";

    public static readonly IReadOnlyList<Definition> All =
    [
        new("analyst@atd.demo", "atd", "government-analyst"),
        new("analyst@wvft.demo", "wvft", "ngo-partner"),
    ];

    /// <summary>Adds the demo analysts that are missing (their organisations come with the demo data).</summary>
    public static async Task<IReadOnlyList<Definition>> EnsureAsync(AnalystDirectory directory, IDbContextFactory<PartnerGraphDbContext> databases, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        foreach (var analyst in All)
        {
            if (!await db.Analysts.AnyAsync(a => a.Email == analyst.Email, cancellationToken))
            {
                await directory.AddAsync(analyst.OrganisationId, analyst.Email, Password, analyst.RoleBundle, cancellationToken);
            }
        }

        return All;
    }

    /// <summary>Outside Development no analyst may have a demo address or accept the demo password.</summary>
    public static async Task RefuseOutsideDevelopmentAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PartnerGraphDbContext>>().CreateDbContextAsync(cancellationToken);
        var hasher = services.GetRequiredService<IPasswordHasher<Analyst>>();
        foreach (var analyst in await db.Analysts.ToListAsync(cancellationToken))
        {
            if (analyst.Email.EndsWith(Domain, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Demo analyst '{analyst.Email}' exists outside Development. Remove it (or run in Development).");
            }

            if (hasher.VerifyHashedPassword(analyst, analyst.PasswordHash, Password) != PasswordVerificationResult.Failed)
            {
                throw new InvalidOperationException($"Analyst '{analyst.Email}' has the published demo password. Give them another one.");
            }
        }
    }
}
