using PartnerGraph.Data;
using PartnerGraph.Data.Demo;
using PartnerGraph.Server.CommandLine;

namespace PartnerGraph.Server.Hosting;

/// <summary>Seeds the synthetic demo data once, showing its progress.</summary>
public static class DemoSeeding
{
    /// <summary>Reads Demo:CaseRecords and Demo:Referrals, so that tests can seed a smaller set, and Demo:StreamCases (the benchmark's large sets).</summary>
    public static DemoDataOptions Options(IConfiguration configuration)
    {
        var defaults = new DemoDataOptions();
        return defaults with
        {
            CaseRecords = configuration.GetValue("Demo:CaseRecords", defaults.CaseRecords),
            Referrals = configuration.GetValue("Demo:Referrals", defaults.Referrals),
            StreamCases = configuration.GetValue("Demo:StreamCases", defaults.StreamCases),
        };
    }

    public static async Task<bool> SeedAsync(PartnerGraphDbContext db, DemoDataOptions options, TextWriter output, CancellationToken cancellationToken = default)
    {
        using var bar = new ProgressBar(output);
        var seeded = await DemoData.SeedAsync(db, options, bar, cancellationToken);
        bar.Finish(seeded ? "Synthetic demo data loaded (no real person or case is in it)." : "Demo data skipped: the database already has organisations.");
        return seeded;
    }
}
