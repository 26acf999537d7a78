using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PartnerGraph.Domain.Webhooks;

namespace PartnerGraph.GraphQL.Webhooks;

/// <summary>
/// Webhook signing secrets at rest. HMAC needs the secret itself, so it cannot be hashed like a client secret; it is
/// stored encrypted (AES-256-GCM) under the operator's key <c>Webhooks:SecretKey</c>, which lives outside the database,
/// so a copy of the database (a backup, a stolen file) signs nothing. A stored value is "v1.KEYID.BASE64" (the key's
/// id, then nonce, ciphertext and tag of the secret's 32 bytes); keys listed in <c>Webhooks:PreviousSecretKeys</c> still
/// open what they closed, so the operator can change the key and rotate the endpoints' secrets at leisure.
/// </summary>
public sealed class WebhookSecretProtector
{
    /// <summary>
    /// The key used in Development when none is configured. It is published in this file, so it protects nothing: a
    /// server outside Development refuses to start with it (or with none).
    /// </summary>
    public const string DemoKey = "ZGVtby1vbmx5LXdlYmhvb2stc2VjcmV0LWtleS0zMmI=";

    private const string Format = "v1";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly byte[] Purpose = Encoding.ASCII.GetBytes("PartnerGraph webhook signing secret v1");

    private readonly (string Id, byte[] Key) current;
    private readonly Dictionary<string, byte[]> keys = new(StringComparer.Ordinal);

    public WebhookSecretProtector(IOptions<WebhookOptions> options, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var configured = options.Value.SecretKey;
        if (string.IsNullOrWhiteSpace(configured) || configured == DemoKey)
        {
            if (!environment.IsDevelopment())
            {
                throw new InvalidOperationException(string.IsNullOrWhiteSpace(configured)
                    ? "Webhooks:SecretKey is not set. Webhook signing secrets are stored encrypted under it: set it to the base64 of 32 random bytes (openssl rand -base64 32), the same on every instance, kept outside the database."
                    : "Webhooks:SecretKey is the published demo key, which protects nothing outside Development: set your own (openssl rand -base64 32).");
            }

            configured = DemoKey;
        }

        current = Add(configured, "Webhooks:SecretKey");
        foreach (var previous in (options.Value.PreviousSecretKeys ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Add(previous, "Webhooks:PreviousSecretKeys");
        }
    }

    /// <summary>The stored form of a secret (whsec_...).</summary>
    public string Protect(string secret)
    {
        var plain = WebhookSignature.KeyOf(secret);
        var sealed_ = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = sealed_.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(current.Key, TagBytes);
        aes.Encrypt(nonce, plain, sealed_.AsSpan(NonceBytes, plain.Length), sealed_.AsSpan(NonceBytes + plain.Length), Purpose);
        CryptographicOperations.ZeroMemory(plain);
        return $"{Format}.{current.Id}.{Convert.ToBase64String(sealed_)}";
    }

    /// <summary>The secret (whsec_...) a stored value holds; a value this server cannot open throws with the reason.</summary>
    public string Unprotect(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var parts = stored.Split('.');
        if (parts.Length != 3 || parts[0] != Format)
        {
            throw new CryptographicException("A webhook secret in the database is not in the stored form (v1.KEYID.DATA); rotate the endpoint's secret.");
        }

        if (!keys.TryGetValue(parts[1], out var key))
        {
            throw new CryptographicException($"A webhook secret was stored under key {parts[1]}, which is neither Webhooks:SecretKey nor in Webhooks:PreviousSecretKeys.");
        }

        var sealed_ = Convert.FromBase64String(parts[2]);
        if (sealed_.Length <= NonceBytes + TagBytes)
        {
            throw new CryptographicException("A stored webhook secret is too short.");
        }

        var plain = new byte[sealed_.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(sealed_.AsSpan(0, NonceBytes), sealed_.AsSpan(NonceBytes, plain.Length), sealed_.AsSpan(NonceBytes + plain.Length), plain, Purpose);
        var secret = WebhookSignature.SecretPrefix + Convert.ToBase64String(plain);
        CryptographicOperations.ZeroMemory(plain);
        return secret;
    }

    private (string Id, byte[] Key) Add(string base64, string setting)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{setting} is not base64: give the base64 of 32 random bytes (openssl rand -base64 32).");
        }

        if (key.Length != 32)
        {
            throw new InvalidOperationException($"{setting} is {key.Length} bytes; it must be 32 (openssl rand -base64 32).");
        }

        // The key's id: the first 8 hex digits of a hash of it, so a stored value names its key without revealing it.
        var id = Convert.ToHexStringLower(SHA256.HashData([.. Purpose, .. key]))[..8];
        keys[id] = key;
        return (id, key);
    }
}
