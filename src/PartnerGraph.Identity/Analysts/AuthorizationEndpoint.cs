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
using PartnerGraph.Domain.Organisations;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PartnerGraph.Identity.Analysts;

/// <summary>
/// GET /connect/authorize (authorization code with PKCE, for analysts). OpenIddict has checked the client, its
/// redirect address and the PKCE parameters; here an analyst who has not signed in is sent to the login page, and one
/// who has gets a code for their person, their organisation and the scopes they may have.
/// </summary>
public static class AuthorizationEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, AnalystDirectory directory, IDbContextFactory<PartnerGraphDbContext> databases, IOptions<PartnerIdentityOptions> options)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        if (request.CodeChallengeMethod != CodeChallengeMethods.Sha256)
        {
            return Refuse(Errors.InvalidRequest, "Send a PKCE code_challenge with code_challenge_method=S256.");
        }

        var signedIn = await http.AuthenticateAsync(AnalystCookie.Scheme);
        var analyst = signedIn.Succeeded && signedIn.Principal.GetClaim(Claims.Subject) is { } id ? await directory.FindActiveAsync(id, http.RequestAborted) : null;
        if (analyst is null)
        {
            return Results.Challenge(new AuthenticationProperties { RedirectUri = http.Request.PathBase + http.Request.Path + http.Request.QueryString }, [AnalystCookie.Scheme]);
        }

        var allowed = await directory.ScopesOfAsync(analyst.OrganisationId, analyst.RoleBundle, http.RequestAborted);
        var requested = request.GetScopes();
        var notAllowed = requested.Where(s => !allowed.Contains(s, StringComparer.Ordinal)).ToList();
        if (notAllowed.Count > 0)
        {
            return Refuse(Errors.InvalidScope, $"You may not have {string.Join(" ", notAllowed)}; your scopes are: {string.Join(" ", allowed)}.");
        }

        var scopes = requested.IsEmpty ? allowed : [.. requested];
        if (scopes.Count == 0)
        {
            return Refuse(Errors.AccessDenied, "Your organisation holds none of the scopes of your role.");
        }

        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var organisation = await db.Organisations.FirstAsync(o => o.Id == analyst.OrganisationId, http.RequestAborted);
        var principal = Principal(analyst, organisation, scopes, options.Value);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>The analyst's token: the person (by id), the organisation, the scopes; short-lived.</summary>
    public static ClaimsPrincipal Principal(Analyst analyst, Organisation organisation, IEnumerable<string> scopes, PartnerIdentityOptions options)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, analyst.Id)
            .SetClaim(PartnerGraphClaims.Person, analyst.Id)
            .SetClaim(PartnerGraphClaims.Organisation, organisation.Id)
            .SetClaim(PartnerGraphClaims.OrganisationKind, organisation.Kind.ToString());
        identity.SetScopes(scopes);
        identity.SetResources(PartnerGraphClaims.Audience);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        var principal = new ClaimsPrincipal(identity);
        principal.SetAccessTokenLifetime(TimeSpan.FromMinutes(options.AnalystTokenMinutes));
        return principal;
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
