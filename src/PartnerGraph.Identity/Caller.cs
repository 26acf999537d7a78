namespace PartnerGraph.Identity;

/// <summary>Who is asking, as the token says: the client, the organisation it speaks for, the person (if any), the scopes.</summary>
public sealed record Caller(string OrganisationId, string ClientId, string? PersonId, IReadOnlySet<string> Scopes, bool TrustedDocumentsOnly = false)
{
    /// <summary>When the token stops being valid; a long-lived connection ends then.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public bool Has(string scope) => Scopes.Contains(scope);

    /// <summary>A stable key of the scope set, for caching one schema per distinct set.</summary>
    public string ScopeKey => string.Join(' ', Scopes.Order(StringComparer.Ordinal));
}
