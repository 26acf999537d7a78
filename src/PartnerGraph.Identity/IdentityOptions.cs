using PartnerGraph.Identity.Throttling;

namespace PartnerGraph.Identity;

/// <summary>Configuration section "Identity".</summary>
public sealed class PartnerIdentityOptions
{
    public const string Section = "Identity";

    /// <summary>The token issuer every instance shares (e.g. https://partnergraph.example.org/); http://localhost:5080/ in Development, required elsewhere.</summary>
    public string? Issuer { get; set; }

    /// <summary>Signing certificate (PFX) outside Development.</summary>
    public CertificateOptions? SigningCertificate { get; set; }

    /// <summary>Encryption certificate (PFX) outside Development; the token server needs one for its own artefacts.</summary>
    public CertificateOptions? EncryptionCertificate { get; set; }

    /// <summary>Accept plain HTTP (TLS ended at a load balancer in front); Development always does.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>How long a client's enabled state is trusted before it is read again; a disabled client's tokens stop within this.</summary>
    public int ClientStatusCacheSeconds { get; set; } = 30;

    /// <summary>How long an analyst's access token lives (authorization code flow); shorter than a partner system's.</summary>
    public int AnalystTokenMinutes { get; set; } = 30;

    /// <summary>Failed sign-ins in a row before an analyst's account is locked, and for how long.</summary>
    public LockoutOptions Lockout { get; set; } = new();

    /// <summary>How many failed client authentications and sign-ins a source is allowed before it is slowed.</summary>
    public ThrottleOptions Throttle { get; set; } = new();
}

/// <summary>
/// Failures allowed per key within WindowMinutes (from the last failure) before each further one blocks the key, 1 s at
/// first and twice as long each time, up to MaxBlockSeconds.
/// </summary>
public sealed class ThrottleOptions
{
    /// <summary>Token endpoint: wrong secrets for one client from one address.</summary>
    public int FailuresPerClientAndAddress { get; set; } = 5;

    /// <summary>Token endpoint: wrong secrets for one client from all addresses together; addresses that got it a token within KnownAddressDays are not slowed by them.</summary>
    public int FailuresPerClient { get; set; } = 50;

    /// <summary>Token endpoint and sign-in (each counted apart): failures from one address, whatever the client or account.</summary>
    public int FailuresPerAddress { get; set; } = 20;

    public int WindowMinutes { get; set; } = 15;

    public int MaxBlockSeconds { get; set; } = 300;

    public int KnownAddressDays { get; set; } = 30;

    public Backoff Backoff(int freeFailures) => new(freeFailures, TimeSpan.FromMinutes(WindowMinutes), TimeSpan.FromSeconds(MaxBlockSeconds));
}

public sealed class LockoutOptions
{
    public int MaxFailedSignIns { get; set; } = 5;
    public int Minutes { get; set; } = 15;
}

public sealed class CertificateOptions
{
    public string? Path { get; set; }
    public string? Password { get; set; }
}
