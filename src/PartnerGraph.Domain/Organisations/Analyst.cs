namespace PartnerGraph.Domain.Organisations;

/// <summary>
/// A person of a partner organisation who signs in to explore the data in the IDE. Their token names them (by Id,
/// never by e-mail), their organisation, and the scopes of their role bundle that their organisation's clients hold.
/// </summary>
public sealed class Analyst
{
    /// <summary>Random and stable; the "person" of tokens and of the access log.</summary>
    public required string Id { get; init; }

    /// <summary>Lower case; what the analyst signs in with.</summary>
    public required string Email { get; init; }

    public required string OrganisationId { get; init; }

    /// <summary>The role bundle asked for (e.g. government-analyst); the token gets the part of it the organisation holds.</summary>
    public required string RoleBundle { get; set; }

    /// <summary>ASP.NET Core Identity's password hash (PBKDF2); never the password.</summary>
    public required string PasswordHash { get; set; }

    public int FailedSignIns { get; set; }

    /// <summary>Set after too many failed sign-ins in a row; no sign-in before then, even with the right password.</summary>
    public DateTime? LockedUntil { get; set; }

    public bool Disabled { get; set; }

    public required DateTime CreatedAt { get; init; }
}
