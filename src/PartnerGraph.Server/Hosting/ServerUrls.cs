namespace PartnerGraph.Server.Hosting;

/// <summary>
/// Where the server listens, as ASP.NET Core operators expect: --urls, then Urls (appsettings or the Urls variable),
/// then ASPNETCORE_URLS, then ASPNETCORE_HTTP_PORTS / ASPNETCORE_HTTPS_PORTS (Kestrel:Endpoints, if set, overrides
/// them all). Only when none of them is set does the server take its own default, http://localhost:5080.
/// </summary>
public static class ServerUrls
{
    public const string Default = "http://localhost:5080";

    /// <summary>True when some setting already says where to listen.</summary>
    public static bool AreConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["urls"])
        || !string.IsNullOrWhiteSpace(configuration["http_ports"])
        || !string.IsNullOrWhiteSpace(configuration["https_ports"])
        || configuration.GetSection("Kestrel:Endpoints").GetChildren().Any();

    public static WebApplicationBuilder AddServerUrls(this WebApplicationBuilder builder)
    {
        if (!AreConfigured(builder.Configuration))
        {
            builder.WebHost.UseUrls(Default);
        }

        return builder;
    }
}
