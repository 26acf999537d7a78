using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace PartnerGraph.Identity;

/// <summary>
/// DEMO CLIENTS for Development only: one per role bundle, with secrets written here in the open. The server refuses
/// to start outside Development while any of them exists or any client accepts one of these secrets.
/// </summary>
public static class DemoClients
{
    public sealed record Definition(string ClientId, string Secret, string OrganisationId, string Bundle)
    {
        public IReadOnlyList<string> Scopes => RoleBundles.All[Bundle];
    }

    public const string Prefix = "demo-";

    public static readonly IReadOnlyList<Definition> All =
    [
        new("demo-government-analyst", "demo-secret-government-analyst", "atd", "government-analyst"),
        new("demo-government-referral-officer", "demo-secret-government-referral-officer", "atd", "government-referral-officer"),
        new("demo-ngo-partner", "demo-secret-ngo-partner", "wvft", "ngo-partner"),
        new("demo-integrator", "demo-secret-integrator", "shelter-northern-children", "integrator"),
        new("demo-auditor", "demo-secret-auditor", "atd", "auditor"),
    ];

    /// <summary>Registers the demo clients that are missing (their organisations come with the demo data).</summary>
    public static async Task<IReadOnlyList<Definition>> EnsureAsync(PartnerClientRegistry registry, IOpenIddictApplicationManager applications, CancellationToken cancellationToken = default)
    {
        foreach (var client in All)
        {
            if (await applications.FindByClientIdAsync(client.ClientId, cancellationToken) is null)
            {
                await registry.AddDemoAsync(client, cancellationToken);
            }
        }

        return All;
    }

    /// <summary>Outside Development no demo client may exist and no client may accept a demo secret.</summary>
    public static async Task RefuseOutsideDevelopmentAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        await foreach (var application in applications.ListAsync(cancellationToken: cancellationToken))
        {
            var clientId = await applications.GetClientIdAsync(application, cancellationToken);
            if (clientId is not null && clientId.StartsWith(DemoClients.Prefix, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Demo client '{clientId}' exists outside Development. Remove it (or run in Development).");
            }

            foreach (var demo in DemoClients.All)
            {
                if (await applications.ValidateClientSecretAsync(application, demo.Secret, cancellationToken))
                {
                    throw new InvalidOperationException($"Client '{clientId}' accepts a published demo secret. Rotate it: clients rotate-secret --client-id {clientId}");
                }
            }
        }
    }
}
