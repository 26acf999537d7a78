namespace PartnerGraph.Identity;

/// <summary>The scopes a partner token can carry; each opens part of the schema.</summary>
public static class Scopes
{
    public const string StatisticsRead = "statistics.read";
    public const string CasesWrite = "cases.write";
    public const string ReferralsRead = "referrals.read";
    public const string ReferralsWrite = "referrals.write";
    public const string CoverageRead = "coverage.read";
    public const string CoverageWrite = "coverage.write";
    public const string AuditRead = "audit.read";
    public const string WebhooksManage = "webhooks.manage";

    public static readonly IReadOnlyList<string> All =
        [StatisticsRead, CasesWrite, ReferralsRead, ReferralsWrite, CoverageRead, CoverageWrite, AuditRead, WebhooksManage];

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);
}

/// <summary>The documented bundles of scopes that partners are given, by role.</summary>
public static class RoleBundles
{
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> All = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
    {
        ["government-analyst"] = [Scopes.StatisticsRead, Scopes.CoverageRead],
        ["government-referral-officer"] = [Scopes.ReferralsRead, Scopes.ReferralsWrite, Scopes.StatisticsRead],
        ["ngo-partner"] = [Scopes.StatisticsRead, Scopes.CasesWrite, Scopes.ReferralsRead, Scopes.ReferralsWrite, Scopes.CoverageRead, Scopes.CoverageWrite],
        ["integrator"] = [Scopes.ReferralsRead, Scopes.WebhooksManage],
        ["auditor"] = [Scopes.AuditRead],
    };
}
