using System.Text.Json;
using System.Text.Json.Serialization;

namespace PartnerGraph.Client;

/// <summary>
/// One status change of a referral, as the referral feed sends it. Statuses are the schema's names (SUBMITTED,
/// ACKNOWLEDGED, ACCEPTED, DECLINED, IN_SERVICE, COMPLETED, WITHDRAWN), kept as text so that a status added later does
/// not stop the feed.
/// </summary>
public sealed record ReferralStatusChange(
    long Sequence,
    string Status,
    string? PreviousStatus,
    DateTimeOffset ChangedAt,
    string? Reason,
    ReferralReference Referral,
    OrganisationReference ChangedBy);

/// <summary>The referral a change belongs to: its global id (for <c>referral(id:)</c> and mutations) and its readable reference.</summary>
public sealed record ReferralReference(string Id, string Reference);

/// <summary>An organisation by its stable slug.</summary>
public sealed record OrganisationReference(string Slug);

/// <summary>The client's own JSON types, generated at build time (no reflection).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ReferralStatusChange))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;
