using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using PartnerGraph.Data;
using PartnerGraph.Identity.Analysts;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PartnerGraph.Identity;

/// <summary>
/// POST /connect/token for partner systems (client credentials) and analysts (authorization code). OpenIddict has already checked the client, its
/// secret, the grant and the scopes; here the token gets its organisation, and a disabled client gets nothing.
/// </summary>
public static class TokenEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, PartnerClientRegistry registry, AnalystDirectory analysts, IDbContextFactory<PartnerGraphDbContext> databases, IOptions<PartnerIdentityOptions> options)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        if (request.IsAuthorizationCodeGrantType())
        {
            return await ExchangeCodeAsync(http, analysts, databases, options.Value);
        }

        if (!request.IsClientCredentialsGrantType() || request.ClientId is null)
        {
            return Refuse(Errors.UnsupportedGrantType, "Use grant_type=client_credentials (partner systems) or authorization_code (analysts).");
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var client = await db.PartnerClients.FirstOrDefaultAsync(c => c.ClientId == request.ClientId, http.RequestAborted);
        if (client is null || client.Disabled)
        {
            return Refuse(Errors.InvalidClient, "This client is disabled or not registered as a partner client.");
        }

        var organisation = await db.Organisations.FirstAsync(o => o.Id == client.OrganisationId, http.RequestAborted);
        var requested = request.GetScopes();
        var scopes = requested.IsEmpty ? await registry.ScopesAsync(client.ClientId, http.RequestAborted) : [.. requested];

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, client.ClientId)
            .SetClaim(Claims.Name, client.ClientId)
            .SetClaim(PartnerGraphClaims.Organisation, organisation.Id)
            .SetClaim(PartnerGraphClaims.OrganisationKind, organisation.Kind.ToString());
        identity.SetScopes(scopes);
        identity.SetResources(PartnerGraphClaims.Audience);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// An analyst's code (OpenIddict has checked it, its client, its redirect address and the PKCE verifier): the person
    /// must still be active, and gets only the scopes they may still have.
    /// </summary>
    private static async Task<IResult> ExchangeCodeAsync(HttpContext http, AnalystDirectory analysts, IDbContextFactory<PartnerGraphDbContext> databases, PartnerIdentityOptions options)
    {
        var code = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var person = code.Principal?.GetClaim(PartnerGraphClaims.Person);
        var analyst = person is null ? null : await analysts.FindActiveAsync(person, http.RequestAborted);
        if (analyst is null)
        {
            return Refuse(Errors.InvalidGrant, "This analyst can no longer sign in.");
        }

        var allowed = await analysts.ScopesOfAsync(analyst.OrganisationId, analyst.RoleBundle, http.RequestAborted);
        var scopes = code.Principal!.GetScopes().Where(s => allowed.Contains(s, StringComparer.Ordinal)).ToList();
        if (scopes.Count == 0)
        {
            return Refuse(Errors.InvalidGrant, "Your organisation no longer holds any scope of your role.");
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var organisation = await db.Organisations.FirstAsync(o => o.Id == analyst.OrganisationId, http.RequestAborted);
        return Results.SignIn(AuthorizationEndpoint.Principal(analyst, organisation, scopes, options), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Refuse(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
