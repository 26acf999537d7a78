using System.Net.Mail;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerGraph.Data;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Identity.Throttling;

namespace PartnerGraph.Identity.Analysts;

/// <summary>Where a sign-in comes from: the source address, and the device mark of the browser if it has one.</summary>
public sealed record SignInSource(string Address, AnalystDevice? Device);

public enum SignInOutcome
{
    SignedIn,

    /// <summary>The password was checked and is wrong, or no active account has this address.</summary>
    WrongCredentials,

    /// <summary>Too many failures for the account (or, from a browser it signed in with, for that browser): not checked.</summary>
    Locked,

    /// <summary>Too many failures from the source address, whatever the account: not checked.</summary>
    Slowed,
}

/// <summary>
/// The outcome of a sign-in. WrongCredentials and Locked get the same words and the same work, so that nobody learns
/// which addresses exist or are locked; Account (the account the address names, if any) is for the access log only.
/// </summary>
public sealed record SignInResult(SignInOutcome Outcome, Analyst? Account, TimeSpan? RetryAfter = null)
{
    public const string WrongCredentials =
        "The e-mail address or the password is wrong (after too many failed sign-ins an account is paused for a while, whatever the password).";

    public Analyst? Analyst => Outcome == SignInOutcome.SignedIn ? Account : null;

    /// <summary>The access log's code of a refusal.</summary>
    public string? Code => Outcome switch
    {
        SignInOutcome.WrongCredentials => "WRONG_CREDENTIALS",
        SignInOutcome.Locked => "SIGN_IN_LOCKED",
        SignInOutcome.Slowed => TokenEndpointRules.RateLimited,
        _ => null,
    };
}

/// <summary>
/// Analysts: people of partner organisations who sign in to the IDE. Passwords are kept as ASP.NET Core Identity
/// hashes. Repeated failures lock the account for a while (Identity:Lockout) for every browser but those it has signed
/// in with before, each of which has a lockout of its own; and slow down the source address whatever the account.
/// </summary>
public sealed class AnalystDirectory(
    IDbContextFactory<PartnerGraphDbContext> databases,
    PartnerClientRegistry clients,
    IPasswordHasher<Analyst> hasher,
    AttemptThrottle throttle,
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

    /// <summary>
    /// Checks the password, unless the source address is slowed or the account locked: every attempt is counted before
    /// its check, in one atomic step, so that attempts sent at once never check more than Identity:Lockout allows.
    /// </summary>
    public async Task<SignInResult> SignInAsync(string email, string password, SignInSource source, CancellationToken cancellationToken = default)
    {
        var address = NormaliseEmail(email);
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var analyst = address is null ? null : await db.Analysts.FirstOrDefaultAsync(a => a.Email == address && !a.Disabled, cancellationToken);

        // A browser that signed in to this account before is the owner's (or has its password): the address is not held against it.
        var device = analyst is not null && source.Device?.AnalystId == analyst.Id ? source.Device : null;
        var addressKey = "sign-in:address:" + source.Address;
        var addressBackoff = options.Value.Throttle.Backoff(options.Value.Throttle.FailuresPerAddress);
        if (device is null && await throttle.BlockedAsync([addressKey]) is { } blocked)
        {
            await throttle.FailedAsync(addressKey, addressBackoff);
            return new SignInResult(SignInOutcome.Slowed, analyst, blocked.For);
        }

        var lockout = options.Value.Lockout;
        var mayCheck = analyst is not null && (device is null
            ? await ClaimAttemptAsync(db, analyst.Id, cancellationToken)
            : await throttle.CountAttemptAsync(DeviceKey(device), TimeSpan.FromMinutes(lockout.Minutes)) <= lockout.MaxFailedSignIns);

        // The same work whatever happens: an unknown address or a locked account is checked against a placeholder.
        var checkedAgainst = mayCheck ? analyst! : Placeholder;
        var verified = hasher.VerifyHashedPassword(checkedAgainst, checkedAgainst.PasswordHash, password);
        if (!mayCheck || verified == PasswordVerificationResult.Failed)
        {
            if (device is null)
            {
                await throttle.FailedAsync(addressKey, addressBackoff);
            }

            return new SignInResult(analyst is null || mayCheck ? SignInOutcome.WrongCredentials : SignInOutcome.Locked, analyst);
        }

        var signedIn = checkedAgainst;
        var hash = verified == PasswordVerificationResult.SuccessRehashNeeded ? hasher.HashPassword(signedIn, password) : signedIn.PasswordHash;
        if (device is null)
        {
            await db.Analysts.Where(a => a.Id == signedIn.Id).ExecuteUpdateAsync(
                s => s.SetProperty(a => a.FailedSignIns, 0).SetProperty(a => a.LockedUntil, (DateTime?)null).SetProperty(a => a.PasswordHash, hash),
                cancellationToken);
        }
        else
        {
            await throttle.ForgetAsync(DeviceKey(device));
            if (hash != signedIn.PasswordHash)
            {
                await db.Analysts.Where(a => a.Id == signedIn.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.PasswordHash, hash), cancellationToken);
            }
        }

        return new SignInResult(SignInOutcome.SignedIn, signedIn);
    }

    /// <summary>
    /// One attempt of the account's lockout, taken before the password is checked by a single conditional UPDATE: none
    /// while the account is locked; the one that reaches Identity:Lockout:MaxFailedSignIns locks it (a right password
    /// then opens it again).
    /// </summary>
    private async Task<bool> ClaimAttemptAsync(PartnerGraphDbContext db, string analystId, CancellationToken cancellationToken)
    {
        var lockout = options.Value.Lockout;
        var now = clock.GetUtcNow().UtcDateTime;
        DateTime? until = now.AddMinutes(lockout.Minutes);
        var max = lockout.MaxFailedSignIns;
        var claimed = await db.Analysts
            .Where(a => a.Id == analystId && (a.LockedUntil == null || a.LockedUntil <= now))
            .ExecuteUpdateAsync(
                s => s
                    .SetProperty(a => a.FailedSignIns, a => a.FailedSignIns + 1 >= max ? 0 : a.FailedSignIns + 1)
                    .SetProperty(a => a.LockedUntil, a => a.FailedSignIns + 1 >= max ? until : a.LockedUntil),
                cancellationToken);
        return claimed == 1;
    }

    private static string DeviceKey(AnalystDevice device) => "sign-in:device:" + device.DeviceId;

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
