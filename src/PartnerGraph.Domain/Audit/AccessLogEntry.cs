using System.ComponentModel;

namespace PartnerGraph.Domain.Audit;

/// <summary>One request, allowed or refused: who, what, when, how long, and the outcome. Never the variables' values.</summary>
public sealed class AccessLogEntry
{
    public long Id { get; init; }
    public required DateTime At { get; init; }
    public string? ClientId { get; init; }
    public string? OrganisationId { get; init; }
    public string? PersonId { get; init; }
    public string? OperationName { get; init; }
    public string? OperationType { get; init; }

    /// <summary>SHA-256 of the document, hex.</summary>
    public string? DocumentHash { get; init; }

    public string? Datasets { get; init; }
    public string? Dimensions { get; init; }
    public int RowsReturned { get; init; }
    public int CellsSuppressed { get; init; }

    /// <summary>The privacy loss the request's statistics were charged, in micro-rho (0 for repeats and published tables).</summary>
    public long MicroRhoCharged { get; init; }

    /// <summary>What was left of the organisation's quarterly budget after the request, in micro-rho; null when it read no statistics.</summary>
    public long? MicroRhoRemaining { get; init; }
    public required int DurationMs { get; init; }
    public required AccessOutcome Outcome { get; init; }

    /// <summary>The error codes of a refused or failed request, space separated.</summary>
    public string? ErrorCodes { get; init; }
}

public enum AccessOutcome
{
    [Description("The request ran.")]
    Allowed,
    [Description("Refused before it ran or by a rule (limits, scopes, agreements, bad input).")]
    Refused,
    [Description("It ran and failed on the server side.")]
    Failed,
}
