using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PartnerGraph.Identity.Analysts;

/// <summary>
/// The public OAuth client of the analysts' IDE and of the token page: authorization code with PKCE (S256), no secret,
/// redirects only to this server's own pages. Registered (and its redirect addresses brought up to date) at every start.
/// </summary>
public static class IdeClient
{
    public const string ClientId = "partnergraph-ide";

    /// <summary>Where an authorization may return: the token page, and the IDE itself (Banana Cake Pop's OAuth 2 window).</summary>
    public static IReadOnlyList<Uri> RedirectUris(Uri issuer) =>
        [new(issuer, "account/token"), new(issuer, "graphql"), new(issuer, "graphql/")];

    public static async Task EnsureAsync(IServiceProvider services, Uri issuer, CancellationToken cancellationToken = default)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId,
            ClientType = ClientTypes.Public,
            ConsentType = ConsentTypes.Implicit,
            DisplayName = "PartnerGraph IDE (analysts)",
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var scope in Scopes.All)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        foreach (var uri in RedirectUris(issuer))
        {
            descriptor.RedirectUris.Add(uri);
        }

        // Several instances starting at once on one database may each register it: the first wins, the rest update.
        // Each attempt has a scope of its own, so nothing a failed attempt read (the manager's cache, its context's tracked
        // entities) carries over to the next.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
                var application = await applications.FindByClientIdAsync(ClientId, cancellationToken);
                if (application is null)
                {
                    await applications.CreateAsync(descriptor, cancellationToken);
                }
                else
                {
                    await applications.UpdateAsync(application, descriptor, cancellationToken);
                }

                return;
            }
            catch (Exception e) when (attempt < 5 && e is not OperationCanceledException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
            }
        }
    }
}
