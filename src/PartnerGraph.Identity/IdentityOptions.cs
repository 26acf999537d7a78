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
