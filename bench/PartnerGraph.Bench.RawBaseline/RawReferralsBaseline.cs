using System.Collections.Frozen;
using System.Diagnostics;
using System.Text.Json;
using GraphQL;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Data;
using PartnerGraph.Domain.Audit;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Domain.Referrals;
using PartnerGraph.Domain.Sharing;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Organisations;
using PartnerGraph.GraphQL.Referrals;
using PartnerGraph.Identity;

namespace PartnerGraph.Bench.RawBaseline;

/// <summary>
/// The benchmark's yardstick (bench/, "referrals over HTTP"): the page of referrals that the benchmark's GraphQL
/// document asks for, answered by hand as a plain minimal-API endpoint would answer it, in the same process, from the
/// same database, with the same obligations (the caller's token and scope, the sharing agreement, only the caller's
/// organisation's referrals, one access log entry) and byte for byte the same JSON. What GraphQL costs on top of it
/// is what the benchmark measures. Mapped only into a server that loads this assembly (see RawBaselineStartup).
/// </summary>
public static class RawReferralsBaseline
{
    public const string Path = "/bench/raw-referrals";

    public static async Task HandleAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!HttpMethods.IsGet(http.Request.Method))
        {
            http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        var callers = http.RequestServices.GetRequiredService<CallerResolver>();
        var databases = http.RequestServices.GetRequiredService<IDbContextFactory<PartnerGraphDbContext>>();
        var accessLog = http.RequestServices.GetRequiredService<AccessLogWriter>();
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        var started = Stopwatch.GetTimestamp();
        var at = clock.GetUtcNow().UtcDateTime;
        var caller = (await callers.ResolveAsync(http)).Caller;
        if (caller is null || !caller.Scopes.Contains(Scopes.ReferralsRead))
        {
            http.Response.StatusCode = caller is null ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
            return;
        }

        var first = int.TryParse(http.Request.Query["first"], out var asked) && asked is > 0 and <= Pagination.MaxPageSize ? asked : Pagination.DefaultPageSize;
        await using var db = await databases.CreateDbContextAsync(http.RequestAborted);
        var agreements = await db.SharingAgreements.Where(a => a.OrganisationId == caller.OrganisationId).ToListAsync(http.RequestAborted);
        try
        {
            Agreements.Require(agreements, SharedDatasets.Referrals, DateOnly.FromDateTime(at));
        }
        catch (UserError)
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        var referrals = await db.VisibleReferrals(caller).OrderBy(r => r.Id).Take(first + 1).ToListAsync(http.RequestAborted);
        var more = referrals.Count > first;
        if (more)
        {
            referrals.RemoveAt(referrals.Count - 1);
        }

        var ids = referrals.Select(r => r.Id).ToList();
        var history = (await db.ReferralStatusChanges.Where(h => ids.Contains(h.ReferralId)).OrderBy(h => h.Sequence).ToListAsync(http.RequestAborted))
            .ToLookup(h => h.ReferralId);
        var organisationIds = referrals.SelectMany(r => new[] { r.FromOrganisationId, r.ToOrganisationId }).ToHashSet(StringComparer.Ordinal);
        var organisations = await db.Organisations.Where(o => organisationIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, StringComparer.Ordinal, http.RequestAborted);

        await accessLog.WriteAsync(new AccessLogEntry
        {
            At = at,
            ClientId = caller.ClientId,
            OrganisationId = caller.OrganisationId,
            PersonId = caller.PersonId,
            OperationName = "RawReferrals",
            OperationType = "query",
            Datasets = "referrals",
            RowsReturned = referrals.Count,
            DurationMs = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            Outcome = AccessOutcome.Allowed,
        }, CancellationToken.None);

        http.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(http.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteStartObject("data");
        json.WriteStartObject("referrals");
        json.WriteStartArray("nodes");
        foreach (var referral in referrals)
        {
            WriteReferral(json, referral, history[referral.Id], organisations);
        }

        json.WriteEndArray();
        json.WriteStartObject("pageInfo");
        json.WriteBoolean("hasNextPage", more);
        WriteStringOrNull(json, "endCursor", referrals.Count > 0 ? Pagination.CursorOf(referrals[^1].Id) : null);

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(http.RequestAborted);
    }

    private static void WriteReferral(Utf8JsonWriter json, Referral referral, IEnumerable<ReferralStatusChange> history, Dictionary<string, Organisation> organisations)
    {
        json.WriteStartObject();
        json.WriteString("id", GlobalId.Encode(ReferralType.TypeName, referral.Id));
        json.WriteString("reference", referral.Reference);
        json.WriteString("kind", Name(referral.Kind));
        json.WriteString("status", Name(referral.Status));
        json.WriteString("urgency", Name(referral.Urgency));
        json.WriteNumber("version", referral.Version);
        WriteStringOrNull(json, "destinationCountry", referral.DestinationCountry);

        json.WriteStartArray("services");
        foreach (var service in ReferralServiceType.Split(referral.Services))
        {
            json.WriteStringValue(Name(service));
        }

        json.WriteEndArray();
        json.WriteString("createdAt", referral.CreatedAt);
        json.WriteString("updatedAt", referral.UpdatedAt);
        WriteOrganisation(json, "fromOrganisation", organisations[referral.FromOrganisationId]);
        WriteOrganisation(json, "toOrganisation", organisations[referral.ToOrganisationId]);
        json.WriteStartArray("history");
        foreach (var change in history)
        {
            json.WriteStartObject();
            json.WriteNumber("sequence", change.Sequence);
            WriteStringOrNull(json, "previousStatus", change.PreviousStatus is { } previous ? Name(previous) : null);

            json.WriteString("status", Name(change.Status));
            json.WriteString("changedAt", change.ChangedAt);
            WriteStringOrNull(json, "reason", change.Reason);

            json.WriteStartObject("changedBy");
            json.WriteString("slug", change.ChangedByOrganisationId);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>An enum value's GraphQL name (IN_SERVICE), from a table made once per enum type: no boxing per value.</summary>
    private static string Name<T>(T value)
        where T : struct, Enum => ConstantNames<T>.Of[value];

    private static class ConstantNames<T>
        where T : struct, Enum
    {
        public static readonly FrozenDictionary<T, string> Of = Enum.GetValues<T>().ToFrozenDictionary(v => v, v => v.ToString().ToConstantCase());
    }

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteOrganisation(Utf8JsonWriter json, string name, Organisation organisation)
    {
        json.WriteStartObject(name);
        json.WriteString("id", GlobalId.Encode(OrganisationType.TypeName, organisation.Id));
        json.WriteString("slug", organisation.Id);
        json.WriteString("nameEn", organisation.NameEn);
        json.WriteString("kind", Name(organisation.Kind));
        json.WriteString("country", organisation.Country);
        json.WriteEndObject();
    }
}
