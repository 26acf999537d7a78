using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using PartnerGraph.Data;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Identity.Analysts;
using PartnerGraph.Identity.Throttling;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PartnerGraph.Identity;

public static class PartnerGraphIdentityExtensions
{
    /// <summary>The token server (client credentials, signed JWT access tokens of 60 minutes) and its validation.</summary>
    public static IServiceCollection AddPartnerGraphIdentity(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(PartnerIdentityOptions.Section).Get<PartnerIdentityOptions>() ?? new PartnerIdentityOptions();
        var issuer = Issuer(options, environment);
        services.AddOptions<PartnerIdentityOptions>().BindConfiguration(PartnerIdentityOptions.Section);
        services.AddMemoryCache();
        services.AddSingleton(TimeProvider.System);
        services.AddScoped<PartnerClientRegistry>();
        services.AddScoped<AnalystDirectory>();
        services.AddSingleton<AnalystDevices>();
        services.AddSingleton<IPasswordHasher<Analyst>, PasswordHasher<Analyst>>();
        services.AddAntiforgery(antiforgery => antiforgery.Cookie.Name = "partnergraph-antiforgery");
        services.AddAuthentication().AddCookie(AnalystCookie.Scheme, cookie => AccountPages.ConfigureCookie(cookie, issuer));
        services.AddSingleton<CallerResolver>();
        services.AddSingleton<AccessLogWriter>();
        services.AddSingleton<AttemptStore>(sp => configuration["Redis:Connection"] is { Length: > 0 } redis
            ? new RedisAttemptStore(redis, sp.GetRequiredService<ILogger<RedisAttemptStore>>())
            : new MemoryAttemptStore());
        services.AddSingleton<AttemptThrottle>();
        services.AddSingleton<ClientAuthenticationThrottle>();

        services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<PartnerGraphDbContext>())
            .AddServer(server =>
            {
                server.SetTokenEndpointUris("connect/token");
                server.SetAuthorizationEndpointUris("connect/authorize");
                server.AllowClientCredentialsFlow();
                // Analysts: authorization code, with PKCE required and S256 its only method.
                server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                server.Configure(o => o.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));
                server.RegisterScopes([.. Scopes.All]);
                server.SetAccessTokenLifetime(TimeSpan.FromMinutes(60));
                // Signed, not encrypted: any resource server can check a token against the published keys.
                server.DisableAccessTokenEncryption();
                // A fixed issuer, shared by every instance, so that validation can check it.
                server.SetIssuer(issuer);

                // OpenIddict builds every address it gives out (discovery above all) on the request's base address, taken
                // from the Host header; once the endpoint is recognised, that base is the configured issuer instead.
                server.AddEventHandler<OpenIddictServerEvents.ProcessRequestContext>(handler => handler
                    .UseInlineHandler(context =>
                    {
                        if (context.EndpointType != OpenIddictServerEndpointType.Unknown)
                        {
                            context.BaseUri = issuer;
                        }

                        return default;
                    })
                    .SetOrder(OpenIddictServerHandlers.InferEndpointType.Descriptor.Order + 500));

                if (environment.IsDevelopment())
                {
                    server.AddDevelopmentEncryptionCertificate().AddDevelopmentSigningCertificate();
                }
                else
                {
                    server.AddSigningCertificate(Load(options.SigningCertificate, "SigningCertificate"));
                    server.AddEncryptionCertificate(Load(options.EncryptionCertificate, "EncryptionCertificate"));
                }

                server.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler => handler
                    .UseInlineHandler(TokenEndpointRules.RefuseWhileSlowedAsync)
                    .SetOrder(int.MinValue + 50_000));
                server.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler => handler
                    .UseInlineHandler(TokenEndpointRules.RefuseProtocolScopes)
                    .SetOrder(int.MinValue + 60_000));
                server.AddEventHandler<OpenIddictServerEvents.ValidateTokenRequestContext>(handler => handler
                    .UseInlineHandler(TokenEndpointRules.RefuseScopesNotHeldAsync)
                    .SetOrder(OpenIddictServerHandlers.Exchange.ValidateScopePermissions.Descriptor.Order - 500));
                // After OpenIddict's status and headers, before it writes the JSON.
                server.AddEventHandler<OpenIddictServerEvents.ApplyTokenResponseContext>(handler => handler
                    .UseInlineHandler(TokenEndpointRules.ApplyAsync)
                    .SetOrder(OpenIddictServerAspNetCoreHandlers.AttachWwwAuthenticateHeader<OpenIddictServerEvents.ApplyTokenResponseContext>.Descriptor.Order + 1_000));

                var aspNetCore = server.UseAspNetCore().EnableTokenEndpointPassthrough().EnableAuthorizationEndpointPassthrough();
                if (environment.IsDevelopment() || options.AllowHttp)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                validation.AddAudiences(PartnerGraphClaims.Audience);
                validation.UseAspNetCore();
            });
        return services;
    }

    public static IEndpointRouteBuilder MapPartnerGraphIdentity(this IEndpointRouteBuilder endpoints)
    {
        // Connects to Redis now, if configured, so that the first failures are already shared.
        endpoints.ServiceProvider.GetRequiredService<AttemptStore>();
        endpoints.MapPost("/connect/token", TokenEndpoint.HandleAsync);
        endpoints.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], AuthorizationEndpoint.HandleAsync);
        endpoints.MapAccountPages();
        return endpoints;
    }

    /// <summary>The configured issuer (Identity:Issuer), as the token server uses it.</summary>
    public static Uri Issuer(IConfiguration configuration, IHostEnvironment environment) =>
        Issuer(configuration.GetSection(PartnerIdentityOptions.Section).Get<PartnerIdentityOptions>() ?? new PartnerIdentityOptions(), environment);

    private static Uri Issuer(PartnerIdentityOptions options, IHostEnvironment environment) =>
        options.Issuer is { Length: > 0 } issuer ? new Uri(issuer)
        : environment.IsDevelopment() ? new Uri("http://localhost:5080/")
        : throw new InvalidOperationException("Outside Development set Identity:Issuer to the public address of the token server, e.g. https://partnergraph.example.org/.");

    private static X509Certificate2 Load(CertificateOptions? certificate, string name)
    {
        if (certificate?.Path is not { Length: > 0 } path)
        {
            throw new InvalidOperationException(
                $"Outside Development the token server needs Identity:{name}:Path (a PFX file) and Identity:{name}:Password; development keys are refused.");
        }

        return X509CertificateLoader.LoadPkcs12FromFile(path, certificate.Password, X509KeyStorageFlags.EphemeralKeySet);
    }
}
