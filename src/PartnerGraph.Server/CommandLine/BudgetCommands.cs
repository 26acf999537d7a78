using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerGraph.Domain.Statistics;
using PartnerGraph.GraphQL.Statistics;

namespace PartnerGraph.Server.CommandLine;

/// <summary>The verbs of privacy-loss budgets: each organisation's rho per quarter, and what it has spent.</summary>
public static partial class Commands
{
    [VerbGroup]
    private static Command Budgets() => Verb.Group(
        "budgets",
        "Privacy-loss budgets of the organisations.",
        Verb.Command("set", "The organisation's privacy-loss budget per quarter (rho of zCDP; default Statistics:Privacy:RhoPerQuarter).",
        [
            Verb.Option("org", "ORG", "The organisation.", required: true),
            Verb.Option("rho", "R", "rho per quarter, from 0 to 100.", required: true),
        ], SetBudgetAsync),
        Verb.Command("list", "Every organisation's budget this quarter: rho per quarter, spent, left.", [], ListBudgetsAsync));

    private static async Task<int> SetBudgetAsync(WebApplication app, CommandOptions options)
    {
        var org = options.Required("org");
        var text = options.Required("rho");
        if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var rho) || rho < 0 || rho > 100)
        {
            throw new CommandLineException("--rho must be a number from 0 to 100, e.g. 0.5 (0 stops the organisation's new tables; repeats and published tables stay free).", 2);
        }

        await using var db = await OpenAsync(app);
        var microRho = PrivacyLoss.ToMicro(rho);
        if (await db.Organisations.Where(o => o.Id == org).ExecuteUpdateAsync(s => s.SetProperty(o => o.PrivacyBudgetMicroRho, microRho)) == 0)
        {
            throw new CommandLineException("--org names no organisation. Add it first with partners add.");
        }

        Console.WriteLine($"{org}: rho {rho.ToString(CultureInfo.InvariantCulture)} per quarter, epsilon {PrivacyLoss.Epsilon((double)rho, DisclosureControlReportType.Delta):0.##} at delta 1e-6.");
        return 0;
    }

    private static async Task<int> ListBudgetsAsync(WebApplication app, CommandOptions options)
    {
        var settings = app.Services.GetRequiredService<IOptions<StatisticsOptions>>().Value;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var quarter = PrivacyBudget.QuarterOf(today);
        await using var db = await OpenAsync(app);
        var organisations = await db.Organisations.AsNoTracking().OrderBy(o => o.Id).Select(o => new { o.Id, o.PrivacyBudgetMicroRho }).ToListAsync();
        var spent = await db.PrivacyBudgets.AsNoTracking().Where(b => b.Quarter == quarter).ToDictionaryAsync(b => b.Account, b => b.SpentMicroRho);
        Console.WriteLine($"Quarter {quarter / 10}-Q{quarter % 10}, renewed on {PrivacyBudget.RenewsOn(today):yyyy-MM-dd}. rho per quarter, spent, left:");
        var fallback = PrivacyLoss.ToMicro(settings.Privacy.RhoPerQuarter);
        foreach (var organisation in organisations)
        {
            Row(organisation.Id, organisation.PrivacyBudgetMicroRho ?? fallback, organisation.PrivacyBudgetMicroRho is null ? " (default)" : "");
        }

        Row(PrivacyBudget.PublishedAccount, PrivacyLoss.ToMicro(settings.Privacy.PublishedRhoPerQuarter), " (published tables)");
        Row(PrivacyBudget.SystemAccount, PrivacyLoss.ToMicro(settings.Privacy.SystemRhoPerQuarter), " (cap over everything)");
        return 0;

        void Row(string account, long limit, string note)
        {
            var used = spent.GetValueOrDefault(account);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {account,-28} {PrivacyLoss.FromMicro(limit),10} {PrivacyLoss.FromMicro(used),10} {PrivacyLoss.FromMicro(Math.Max(0, limit - used)),10}{note}"));
        }
    }
}
