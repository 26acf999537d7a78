using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Validation;
using PartnerGraph.Data;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PartnerGraph.Identity;

/// <summary>A caller, or why there is none: an error code for extensions.code and a description for WWW-Authenticate.</summary>
public sealed record CallerResolution(Caller? Caller, string? ErrorCode, string? Description, bool TokenPresented)
{
    /// <summary>The WWW-Authenticate challenge of a refusal (RFC 6750 section 3).</summary>
    public string Challenge => TokenPresented
        ? $"Bearer realm=\"{PartnerGraphClaims.Audience}\", error=\"invalid_token\", error_description=\"{Description}\""
        : $"Bearer realm=\"{PartnerGraphClaims.Audience}\"";
}

/// <summary>
/// The one place that turns a token into a Caller: signature, issuer, audience and lifetime are checked by the
/// token server's validation, then the token's entry must still be valid (not revoked) and its client enabled. Used by
/// every transport.
/// </summary>
public sealed class CallerResolver(
    OpenIddictValidationService validation,
    IDbContextFactory<PartnerGraphDbContext> databases,
    IMemoryCache cache,
    IOptions<PartnerIdentityOptions> options)
{
    public const string Unauthenticated = "UNAUTHENTICATED";
    public const string InvalidToken = "INVALID_TOKEN";
    public const string ClientDisabled = "CLIENT_DISABLED";

    /// <summary>The bearer token of an Authorization header, if it has one.</summary>
    public static string? BearerToken(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7
            ? authorization[7..].Trim()
            : null;

    public Task<CallerResolution> ResolveAsync(HttpContext http) =>
        ResolveAsync(BearerToken(http.Request.Headers.Authorization.ToString()), http.RequestAborted);

    public Task<CallerResolution> ResolveAsync(string? token, CancellationToken cancellationToken) => ResolveAsync(token, fresh: false, cancellationToken);

    /// <summary>The caller the token stands for now; fresh reads the client's state from the database rather than the cache (and caches it).</summary>
    public async Task<CallerResolution> ResolveAsync(string? token, bool fresh, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token))
        {
            return new CallerResolution(null, Unauthenticated, "Send an access token: Authorization: Bearer <token> (POST /connect/token gives one).", false);
        }

        System.Security.Claims.ClaimsPrincipal principal;
        try
        {
            principal = await validation.ValidateAccessTokenAsync(token, cancellationToken);
        }
        catch (Exception e) when (e is OpenIddictExceptions.ProtocolException or InvalidOperationException)
        {
            return new CallerResolution(null, InvalidToken, "The access token is invalid or expired; get a new one.", true);
        }

        var clientId = principal.GetClaim(Claims.ClientId);
        var organisationId = principal.GetClaim(PartnerGraphClaims.Organisation);
        if (clientId is null || organisationId is null || !principal.HasAudience(PartnerGraphClaims.Audience))
        {
            return new CallerResolution(null, InvalidToken, "The access token was not issued for PartnerGraph.", true);
        }

        // The token server revokes tokens (those of an authorization code redeemed twice, RFC 6749 section 4.1.2) in its
        // token entries; a signed JWT does not show that, so the entry is read, like the client's state.
        var tokenId = principal.GetTokenId();
        var tokenValid = tokenId is not null && await CachedAsync(("token-status", tokenId), fresh, db => db.Set<OpenIddictEntityFrameworkCoreToken>()
            .AnyAsync(t => t.Id == tokenId && t.Status == Statuses.Valid, cancellationToken), cancellationToken);
        if (!tokenValid)
        {
            return new CallerResolution(null, InvalidToken, "The access token has been revoked; get a new one.", true);
        }

        // An analyst's token stands while the analyst's account is active; a partner system's while its client is enabled.
        var person = principal.GetClaim(PartnerGraphClaims.Person);
        var status = await CachedAsync(("client-status", clientId), fresh, async db => await db.PartnerClients.Where(c => c.ClientId == clientId)
            .Select(c => new ClientStatus(!c.Disabled, c.TrustedDocumentsOnly, db.Set<OpenIddictEntityFrameworkCoreApplication>().Where(a => a.ClientId == c.ClientId).Select(a => a.Permissions).FirstOrDefault()))
            .FirstOrDefaultAsync(cancellationToken) ?? new ClientStatus(false, false, null), cancellationToken);
        var active = person is null
            ? status.Enabled
            : await CachedAsync(("analyst-active", person), fresh, db => db.Analysts.AnyAsync(a => a.Id == person && !a.Disabled, cancellationToken), cancellationToken);
        if (!active)
        {
            return new CallerResolution(null, ClientDisabled, person is null ? "This client has been disabled." : "This analyst's account is no longer active.", true);
        }

        // A partner system's token holds no scope its client has since lost; a token never grants one it does not name.
        var scopes = principal.GetScopes().Where(Scopes.IsKnown).Where(s => person is not null || status.Holds(s)).ToHashSet(StringComparer.Ordinal);
        return new CallerResolution(new Caller(organisationId, clientId, person, scopes, status.TrustedDocumentsOnly) { ExpiresAt = principal.GetExpirationDate() }, null, null, true);
    }

    /// <summary>
    /// The scopes an organisation holds now: those of its enabled clients together. A webhook's deliveries run under
    /// them, so an organisation whose clients lose referrals.read stops receiving, as a subscriber would.
    /// </summary>
    public async Task<IReadOnlySet<string>> OrganisationScopesAsync(string organisationId, bool fresh, CancellationToken cancellationToken)
    {
        var permissions = await CachedAsync(("organisation-scopes", organisationId), fresh, async db => await db.PartnerClients
            .Where(c => c.OrganisationId == organisationId && !c.Disabled)
            .Select(c => db.Set<OpenIddictEntityFrameworkCoreApplication>().Where(a => a.ClientId == c.ClientId).Select(a => a.Permissions).FirstOrDefault())
            .ToListAsync(cancellationToken), cancellationToken);
        return permissions.SelectMany(p => new ClientStatus(true, false, p).Scopes).Where(Scopes.IsKnown).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Read again at most every ClientStatusCacheSeconds, so a revoked token, a disabled client's (or analyst's) live
    /// tokens stop, and a change to trusted-documents-only takes hold, within that time.
    /// </summary>
    private async Task<T> CachedAsync<T>((string Kind, string Id) key, bool fresh, Func<PartnerGraphDbContext, Task<T>> read, CancellationToken cancellationToken)
    {
        var seconds = options.Value.ClientStatusCacheSeconds;
        if (!fresh && seconds > 0 && cache.TryGetValue(key, out T? cached) && cached is not null)
        {
            return cached;
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var value = await read(db);
        if (seconds > 0)
        {
            cache.Set(key, value, TimeSpan.FromSeconds(seconds));
        }

        return value;
    }

    /// <summary>A client's state: enabled, trusted documents only, and the permissions it holds now (JSON, as the token server keeps them).</summary>
    private sealed record ClientStatus(bool Enabled, bool TrustedDocumentsOnly, string? Permissions)
    {
        private readonly HashSet<string> scopes = Permissions is null ? [] : System.Text.Json.JsonSerializer.Deserialize<string[]>(Permissions)!
            .Where(p => p.StartsWith(OpenIddictConstants.Permissions.Prefixes.Scope, StringComparison.Ordinal))
            .Select(p => p[OpenIddictConstants.Permissions.Prefixes.Scope.Length..])
            .ToHashSet(StringComparer.Ordinal);

        public IReadOnlySet<string> Scopes => scopes;

        public bool Holds(string scope) => scopes.Contains(scope);
    }
}
