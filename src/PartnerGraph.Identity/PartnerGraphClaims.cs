namespace PartnerGraph.Identity;

/// <summary>The claims PartnerGraph puts in access tokens besides OpenIddict's own.</summary>
public static class PartnerGraphClaims
{
    public const string Organisation = "org";
    public const string OrganisationKind = "org_kind";
    public const string Person = "person";

    /// <summary>The audience of PartnerGraph's access tokens.</summary>
    public const string Audience = "partnergraph";
}
