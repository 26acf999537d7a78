using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using PartnerGraph.Data;
using PartnerGraph.Domain.Organisations;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PartnerGraph.Identity;

/// <summary>A client as onboarding shows it; never its secret.</summary>
public sealed record PartnerClientInfo(string ClientId, string OrganisationId, IReadOnlyList<string> Scopes, bool Disabled, DateTime CreatedAt, bool TrustedDocumentsOnly = false);

/// <summary>Onboarding of partner systems: clients, their scopes and secrets (kept only as hashes by the token server).</summary>
public sealed class PartnerClientRegistry(IOpenIddictApplicationManager applications, IDbContextFactory<PartnerGraphDbContext> databases, TimeProvider clock)
{
    /// <summary>
    /// Registers a client; returns the secret, generated when none is given (one given is at least
    /// PartnerClient.MinimumSecretLength characters). It is shown once and stored only as a hash.
    /// </summary>
    public Task<string> AddAsync(string organisationId, string clientId, IReadOnlyCollection<string> scopes, string? secret = null, CancellationToken cancellationToken = default) =>
        RegisterAsync(organisationId, clientId, scopes, secret is null ? NewSecret() : Checked(secret), cancellationToken);

    /// <summary>A demo client with its published secret, shorter than the rule: Development only (the server refuses them elsewhere).</summary>
    internal Task<string> AddDemoAsync(DemoClients.Definition demo, CancellationToken cancellationToken) =>
        RegisterAsync(demo.OrganisationId, demo.ClientId, [.. demo.Scopes], demo.Secret, cancellationToken);

    private async Task<string> RegisterAsync(string organisationId, string clientId, IReadOnlyCollection<string> scopes, string secret, CancellationToken cancellationToken)
    {
        RequireKnown(scopes);

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (!await db.Organisations.AnyAsync(o => o.Id == organisationId, cancellationToken))
        {
            throw new OnboardingException("--org names no organisation. Add it first with: partners add --id ...");
        }

        if (await applications.FindByClientIdAsync(clientId, cancellationToken) is not null)
        {
            throw new OnboardingException("A client with that --client-id exists already.");
        }

        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = $"{organisationId}: {clientId}",
            Permissions = { Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials },
        };
        foreach (var scope in scopes.Distinct(StringComparer.Ordinal))
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        await applications.CreateAsync(descriptor, cancellationToken);
        db.PartnerClients.Add(new PartnerClient { ClientId = clientId, OrganisationId = organisationId, CreatedAt = clock.GetUtcNow().UtcDateTime });
        await db.SaveChangesAsync(cancellationToken);
        return secret;
    }

    public async Task<IReadOnlyList<PartnerClientInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var clients = await db.PartnerClients.OrderBy(c => c.OrganisationId).ThenBy(c => c.ClientId).ToListAsync(cancellationToken);
        var list = new List<PartnerClientInfo>();
        foreach (var client in clients)
        {
            list.Add(new PartnerClientInfo(client.ClientId, client.OrganisationId, await ScopesAsync(client.ClientId, cancellationToken), client.Disabled, client.CreatedAt, client.TrustedDocumentsOnly));
        }

        return list;
    }

    /// <summary>The scopes the client may ask for.</summary>
    public async Task<IReadOnlyList<string>> ScopesAsync(string clientId, CancellationToken cancellationToken = default)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken);
        if (application is null)
        {
            return [];
        }

        return (await applications.GetPermissionsAsync(application, cancellationToken))
            .Where(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
            .Select(p => p[Permissions.Prefixes.Scope.Length..])
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Replaces the secret; the old one stops working at once. Returns the new one, shown once.</summary>
    public async Task<string> RotateSecretAsync(string clientId, string? secret = null, CancellationToken cancellationToken = default)
    {
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken) ?? throw UnknownClient();
        secret = secret is null ? NewSecret() : Checked(secret);
        await applications.UpdateAsync(application, secret, cancellationToken);
        return secret;
    }

    /// <summary>The client gets no new token, and its live tokens stop working within the status cache's lifetime.</summary>
    public async Task DisableAsync(string clientId, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var client = await db.PartnerClients.AsTracking().FirstOrDefaultAsync(c => c.ClientId == clientId, cancellationToken) ?? throw UnknownClient();
        client.Disabled = true;
        client.DisabledAt = clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Replaces the scopes the client may ask for. Live tokens lose a scope it no longer holds within the status cache's
    /// lifetime (a token never grants more than it names: a new scope needs a new token).
    /// </summary>
    public async Task SetScopesAsync(string clientId, IReadOnlyCollection<string> scopes, CancellationToken cancellationToken = default)
    {
        RequireKnown(scopes);
        var application = await applications.FindByClientIdAsync(clientId, cancellationToken) ?? throw UnknownClient();
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, cancellationToken);
        descriptor.Permissions.RemoveWhere(p => p.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal));
        foreach (var scope in scopes)
        {
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        }

        await applications.UpdateAsync(application, descriptor, cancellationToken);
    }

    /// <summary>Whether the client may run registered documents only; takes hold within the status cache's lifetime.</summary>
    public async Task SetTrustedDocumentsOnlyAsync(string clientId, bool only, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var client = await db.PartnerClients.AsTracking().FirstOrDefaultAsync(c => c.ClientId == clientId, cancellationToken) ?? throw UnknownClient();
        client.TrustedDocumentsOnly = only;
        await db.SaveChangesAsync(cancellationToken);
    }

    private static void RequireKnown(IReadOnlyCollection<string> scopes)
    {
        var unknown = scopes.Where(s => !Scopes.IsKnown(s)).ToList();
        if (unknown.Count > 0)
        {
            throw new OnboardingException($"Unknown scope(s): {string.Join(", ", unknown)}. Known: {string.Join(" ", Scopes.All)}.");
        }

        if (scopes.Count == 0)
        {
            throw new OnboardingException("Give the client at least one scope.");
        }
    }

    private static string Checked(string secret) => secret.Length >= PartnerClient.MinimumSecretLength
        ? secret
        : throw new OnboardingException($"The secret is too short: give at least {PartnerClient.MinimumSecretLength} characters, or none to have a 256-bit one generated.");

    private static OnboardingException UnknownClient() => new("--client-id names no client. clients list shows them.");

    /// <summary>256 random bits, URL-safe.</summary>
    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>An onboarding command that cannot be carried out as given; its message says what to do.</summary>
public sealed class OnboardingException(string message) : Exception(message);
