namespace PartnerGraph.Domain.Organisations;

/// <summary>
/// A partner system's OAuth client: which organisation it speaks for and whether it may still do so.
/// Its secret and permitted scopes live with the token server's application of the same client id.
/// </summary>
public sealed class PartnerClient
{
    /// <summary>
    /// The shortest secret a person may set by hand: a short one falls to guessing (two letters did in 676 tries).
    /// Generated secrets are 256 random bits.
    /// </summary>
    public const int MinimumSecretLength = 32;

    public required string ClientId { get; init; }
    public required string OrganisationId { get; init; }
    public required DateTime CreatedAt { get; init; }
    public bool Disabled { get; set; }
    public DateTime? DisabledAt { get; set; }

    /// <summary>May run registered (trusted) documents only, by their id; free-text queries are refused.</summary>
    public bool TrustedDocumentsOnly { get; set; }
}
