using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace PartnerGraph.Identity.Analysts;

/// <summary>A browser an analyst has signed in with: the analyst, and a random id of the browser.</summary>
public sealed record AnalystDevice(string AnalystId, string DeviceId);

/// <summary>
/// The device mark (OWASP's "device cookie"): after a successful sign-in the browser gets a protected, HTTP-only cookie
/// naming the analyst and a random id. Sign-ins from that browser to that account are counted on their own, so that
/// failures elsewhere, which lock the account for every other browser, never keep its owner out.
/// </summary>
public sealed class AnalystDevices(IDataProtectionProvider protection)
{
    public const string CookieName = "partnergraph-device";

    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(180);

    private readonly ITimeLimitedDataProtector protector = protection.CreateProtector("PartnerGraph.Analysts.Device").ToTimeLimitedDataProtector();

    /// <summary>The browser's mark, or null when it has none that this server made and that is still valid.</summary>
    public AnalystDevice? Read(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Request.Cookies[CookieName] is not { Length: > 0 } cookie)
        {
            return null;
        }

        try
        {
            return protector.Unprotect(cookie).Split(' ') is [var analystId, var deviceId] ? new AnalystDevice(analystId, deviceId) : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Gives the browser the mark of the analyst who just signed in (keeping its id when it had one for them).</summary>
    public void Remember(HttpContext http, string analystId, AnalystDevice? current)
    {
        ArgumentNullException.ThrowIfNull(http);
        var deviceId = current?.AnalystId == analystId ? current.DeviceId : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        http.Response.Cookies.Append(CookieName, protector.Protect($"{analystId} {deviceId}", Lifetime), new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/account",
            MaxAge = Lifetime,
            IsEssential = true,
        });
    }
}
