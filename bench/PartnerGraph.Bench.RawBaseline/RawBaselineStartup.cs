using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

[assembly: HostingStartup(typeof(PartnerGraph.Bench.RawBaseline.RawBaselineStartup))]

namespace PartnerGraph.Bench.RawBaseline;

/// <summary>
/// Maps the raw endpoint into a server that names this assembly: ASPNETCORE_HOSTINGSTARTUPASSEMBLIES=PartnerGraph.Bench.RawBaseline,
/// with DOTNET_STARTUP_HOOKS pointing at this file so that the runtime can load it from outside the server's folder.
/// Refused outside Development: it is a yardstick, not part of the API partners are given.
/// </summary>
public sealed class RawBaselineStartup : IHostingStartup
{
    /// <summary>The environment of a server process that loads this assembly (it is read from where it was built).</summary>
    public static IReadOnlyDictionary<string, string> ServerEnvironment { get; } = new Dictionary<string, string>
    {
        ["ASPNETCORE_HOSTINGSTARTUPASSEMBLIES"] = typeof(RawBaselineStartup).Assembly.GetName().Name!,
        ["DOTNET_STARTUP_HOOKS"] = typeof(RawBaselineStartup).Assembly.Location,
    };

    public void Configure(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureServices((context, services) =>
        {
            if (!context.HostingEnvironment.IsDevelopment())
            {
                throw new InvalidOperationException("The benchmark's raw endpoint (PartnerGraph.Bench.RawBaseline) is refused outside Development.");
            }

            services.AddTransient<IStartupFilter, MapRawReferrals>();
        });
    }

    private sealed class MapRawReferrals : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Map(RawReferralsBaseline.Path, branch => branch.Run(RawReferralsBaseline.HandleAsync));
            next(app);
        };
    }
}
