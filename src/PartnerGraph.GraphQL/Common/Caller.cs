namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// Who is asking, as the one place that turns a request's credentials into permissions decides.
/// OrganisationId is null only for the open development caller, which sees every organisation's rows.
/// </summary>
public sealed record Caller(string? OrganisationId, string? ClientId, IReadOnlySet<string> Scopes)
{
    public static readonly IReadOnlySet<string> AllScopes = new HashSet<string>(StringComparer.Ordinal)
    {
        "statistics.read", "cases.write", "referrals.read", "referrals.write", "coverage.read", "coverage.write", "audit.read",
    };

    /// <summary>The caller of the open development API, before partner tokens exist.</summary>
    public static readonly Caller Development = new(null, null, AllScopes);

    /// <summary>True when the caller may see rows of this organisation's referrals.</summary>
    public bool CanSeeReferralOf(string fromOrganisationId, string toOrganisationId) =>
        OrganisationId is null || OrganisationId == fromOrganisationId || OrganisationId == toOrganisationId;
}
