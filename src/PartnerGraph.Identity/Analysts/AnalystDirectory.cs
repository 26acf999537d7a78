using System.Net.Mail;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerGraph.Data;
using PartnerGraph.Domain.Organisations;

namespace PartnerGraph.Identity.Analysts;

/// <summary>The outcome of a sign-in: the analyst, or why not (the same words for an unknown e-mail and a wrong password).</summary>
public sealed record SignInResult(Analyst? Analyst, string? Problem)
{
    public const string WrongCredentials = "The e-mail address or the password is wrong.";
}

/// <summary>
/// Analysts: people of partner organisations who sign in to the IDE. Passwords are kept as ASP.NET Core Identity
/// hashes; repeated failures lock the account for a while (Identity:Lockout).
/// </summary>
public sealed class AnalystDirectory(
    IDbContextFactory<PartnerGraphDbContext> databases,
    PartnerClientRegistry clients,
    IPasswordHasher<Analyst> hasher,
    TimeProvider clock,
    IOptions<PartnerIdentityOptions> options)
{
    public const int MinimumPasswordLength = 12;
    public const string DefaultRoleBundle = "government-analyst";

    /// <summary>Adds an analyst; returns the password, generated when none is given (shown once, stored only as a hash).</summary>
    public async Task<(Analyst Analyst, string Password)> AddAsync(string organisationId, string email, string? password = null, string? roleBundle = null, CancellationToken cancellationToken = default)
    {
        var address = NormaliseEmail(email) ?? throw new OnboardingException("--email is not an e-mail address.");
        roleBundle ??= DefaultRoleBundle;
        if (!RoleBundles.All.ContainsKey(roleBundle))
        {
            throw new OnboardingException($"--role is not a role. Roles: {string.Join(", ", RoleBundles.All.Keys)}.");
        }

        if (password is not null && password.Length < MinimumPasswordLength)
        {
            throw new OnboardingException($"The password is too short: give at least {MinimumPasswordLength} characters, or none to have one generated.");
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        if (!await db.Organisations.AnyAsync(o => o.Id == organisationId, cancellationToken))
        {
            throw new OnboardingException("--org names no organisation. Add it first with: partners add --id ...");
        }

        if (await db.Analysts.AnyAsync(a => a.Email == address, cancellationToken))
        {
            throw new OnboardingException($"An analyst with the e-mail address {address} exists already.");
        }

        if ((await ScopesOfAsync(organisationId, roleBundle, cancellationToken)).Count == 0)
        {
            throw new OnboardingException(
                $"The organisation holds none of the scopes of the role {roleBundle} ({string.Join(" ", RoleBundles.All[roleBundle])}): an analyst gets only scopes a client of their organisation holds. Choose another --role, or add a client first.");
        }

        password ??= NewPassword();
        var analyst = new Analyst
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)),
            Email = address,
            OrganisationId = organisationId,
            RoleBundle = roleBundle,
            PasswordHash = "",
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
        analyst.PasswordHash = hasher.HashPassword(analyst, password);
        db.Analysts.Add(analyst);
        await db.SaveChangesAsync(cancellationToken);
        return (analyst, password);
    }

    /// <summary>Checks the password; counts failures and locks the account after Identity:Lockout:MaxFailedSignIns in a row.</summary>
    public async Task<SignInResult> SignInAsync(string email, string password, CancellationToken cancellationToken = default)
    {
        var address = NormaliseEmail(email);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var analyst = address is null ? null : await db.Analysts.AsTracking().FirstOrDefaultAsync(a => a.Email == address, cancellationToken);
        if (analyst is null || analyst.Disabled)
        {
            // The same work and words as a wrong password, so that the answer does not tell which addresses exist.
            hasher.VerifyHashedPassword(Placeholder, Placeholder.PasswordHash, password);
            return new SignInResult(null, SignInResult.WrongCredentials);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var lockout = options.Value.Lockout;
        if (analyst.LockedUntil > now)
        {
            return new SignInResult(null, $"Too many failed sign-ins: this account is locked until {analyst.LockedUntil:HH:mm} UTC.");
        }

        var verified = hasher.VerifyHashedPassword(analyst, analyst.PasswordHash, password);
        if (verified == PasswordVerificationResult.Failed)
        {
            analyst.FailedSignIns++;
            if (analyst.FailedSignIns >= lockout.MaxFailedSignIns)
            {
                analyst.LockedUntil = now.AddMinutes(lockout.Minutes);
                analyst.FailedSignIns = 0;
            }

            await db.SaveChangesAsync(cancellationToken);
            return new SignInResult(null, analyst.LockedUntil > now
                ? $"Too many failed sign-ins: this account is locked until {analyst.LockedUntil:HH:mm} UTC."
                : SignInResult.WrongCredentials);
        }

        if (verified == PasswordVerificationResult.SuccessRehashNeeded)
        {
            analyst.PasswordHash = hasher.HashPassword(analyst, password);
        }

        analyst.FailedSignIns = 0;
        analyst.LockedUntil = null;
        await db.SaveChangesAsync(cancellationToken);
        return new SignInResult(analyst, null);
    }

    /// <summary>The analyst if they may still sign in and use tokens: present and not disabled.</summary>
    public async Task<Analyst?> FindActiveAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        return await db.Analysts.FirstOrDefaultAsync(a => a.Id == id && !a.Disabled, cancellationToken);
    }

    /// <summary>
    /// A person's scopes: those of their role bundle that some enabled client of their own organisation holds. So a
    /// person never has more than their organisation has been given, and never another organisation's scopes.
    /// </summary>
    public async Task<IReadOnlyList<string>> ScopesOfAsync(string organisationId, string roleBundle, CancellationToken cancellationToken = default)
    {
        if (!RoleBundles.All.TryGetValue(roleBundle, out var bundle))
        {
            return [];
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var clientIds = await db.PartnerClients.Where(c => c.OrganisationId == organisationId && !c.Disabled).Select(c => c.ClientId).ToListAsync(cancellationToken);
        var held = new HashSet<string>(StringComparer.Ordinal);
        foreach (var clientId in clientIds)
        {
            held.UnionWith(await clients.ScopesAsync(clientId, cancellationToken));
        }

        return bundle.Where(held.Contains).ToList();
    }

    public static string? NormaliseEmail(string? email) =>
        !string.IsNullOrWhiteSpace(email) && email.Length <= 254 && MailAddress.TryCreate(email.Trim(), out var address) && address.Address == email.Trim()
            ? address.Address.ToLowerInvariant()
            : null;

    /// <summary>20 random characters, URL-safe.</summary>
    private static string NewPassword() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', '-').Replace('/', '_');

    private static readonly Analyst Placeholder = new()
    {
        Id = "",
        Email = "",
        OrganisationId = "",
        RoleBundle = "",
        PasswordHash = new PasswordHasher<Analyst>().HashPassword(null!, Convert.ToBase64String(RandomNumberGenerator.GetBytes(16))),
        CreatedAt = DateTime.UnixEpoch,
    };
}
