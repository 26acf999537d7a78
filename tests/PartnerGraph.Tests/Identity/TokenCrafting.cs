using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Identity;

/// <summary>
/// Access tokens made by hand, as an attacker would, to prove the API checks every part of a token. Each names the
/// token entry of a real token (an attacker holding one token knows its id), so that only its own flaw refuses it.
/// </summary>
public sealed class TokenCrafting(Func<SigningCredentials> serverKey, string issuer, string tokenId)
{
    public static async Task<TokenCrafting> ForAsync(PartnerGraphApp app)
    {
        var real = new JsonWebToken(await app.TokenAsync(TestDatabase.AllScopesClient, TestDatabase.AllScopesSecret));
        return new TokenCrafting(
            () => app.Services.GetRequiredService<IOptionsMonitor<OpenIddictServerOptions>>().CurrentValue.SigningCredentials.First(),
            real.Issuer,
            real.GetClaim("oi_tkn_id").Value);
    }

    /// <summary>
    /// For a started server process in Development: its development signing certificate is in this user's certificate
    /// store, found by the key id of one of its real tokens.
    /// </summary>
    public static async Task<TokenCrafting> ForAsync(ServerProcess server)
    {
        var real = new JsonWebToken(await server.TokenAsync());
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadOnly);
        var certificate = store.Certificates.Find(X509FindType.FindByThumbprint, real.Kid, validOnly: false).Single();
        return new TokenCrafting(() => new SigningCredentials(new X509SecurityKey(certificate), SecurityAlgorithms.RsaSha256), real.Issuer, real.GetClaim("oi_tkn_id").Value);
    }

    public string Issuer => issuer;

    /// <summary>A token like the server's own, signed with its key unless another is given.</summary>
    public string Create(string? issuerOverride = null, DateTime? expires = null, SigningCredentials? signing = null, string clientId = TestDatabase.AllScopesClient, string organisation = "atd", string scope = "referrals.read")
    {
        var now = DateTime.UtcNow;
        var exp = expires ?? now.AddMinutes(30);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuerOverride ?? issuer,
            Audience = "partnergraph",
            IssuedAt = exp.AddMinutes(-60),
            NotBefore = exp.AddMinutes(-60),
            Expires = exp,
            TokenType = "at+jwt",
            Subject = new ClaimsIdentity([new Claim("sub", clientId), new Claim("client_id", clientId), new Claim("org", organisation), new Claim("scope", scope), new Claim("oi_tkn_id", tokenId)]),
            SigningCredentials = signing ?? serverKey(),
        });
    }

    /// <summary>The same claims with no signature at all ("alg": "none").</summary>
    public string CreateUnsigned()
    {
        static string Part(object value) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value)));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return Part(new { alg = "none", typ = "at+jwt" }) + "." + Part(new Dictionary<string, object>
        {
            ["iss"] = issuer,
            ["aud"] = "partnergraph",
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 1800,
            ["sub"] = TestDatabase.AllScopesClient,
            ["client_id"] = TestDatabase.AllScopesClient,
            ["org"] = "atd",
            ["scope"] = "referrals.read",
            ["oi_tkn_id"] = tokenId,
        }) + ".";
    }

    public static SigningCredentials AnotherKey() => new(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "attacker" }, SecurityAlgorithms.RsaSha256);
}
