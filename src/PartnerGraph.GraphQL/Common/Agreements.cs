using System.Globalization;
using GraphQL;
using PartnerGraph.Domain.Sharing;

namespace PartnerGraph.GraphQL.Common;

/// <summary>What the caller's agreements allow for one dataset today: the finest granularity and the provinces (null: all).</summary>
public sealed record EffectiveAgreement(GeographicLevel Granularity, IReadOnlySet<string>? Provinces)
{
    /// <summary>Fails with GRANULARITY_NOT_ALLOWED when the agreement is coarser than the level asked for.</summary>
    public void Require(GeographicLevel level, string what)
    {
        if (level > Granularity)
        {
            throw new UserError(ErrorCodes.GranularityNotAllowed, $"Your organisation's agreement shares this data at {Granularity.ToString().ToUpperInvariant()} level; {what} needs {level.ToString().ToUpperInvariant()}.");
        }
    }
}

/// <summary>Sharing agreements, enforced on every request that reads a dataset.</summary>
public static class Agreements
{
    public static async Task<EffectiveAgreement> RequireAgreementAsync(this IResolveFieldContext context, SharedDatasets dataset)
    {
        var request = context.Request();
        return Require(await request.AgreementsAsync(), dataset, DateOnly.FromDateTime(request.Clock.GetUtcNow().UtcDateTime));
    }

    /// <summary>What the organisation's agreements allow for the dataset on that day; a UserError when nothing does.</summary>
    public static EffectiveAgreement Require(IReadOnlyList<SharingAgreement> agreements, SharedDatasets dataset, DateOnly today)
    {
        var covering = agreements.Where(a => a.Datasets.HasFlag(dataset)).ToList();
        var name = dataset.ToString().ToLowerInvariant();
        if (covering.Count == 0)
        {
            throw new UserError(ErrorCodes.AgreementRequired, $"Your organisation has no data-sharing agreement for {name}. Ask the Anti-Human Trafficking Division for one.");
        }

        var inForce = covering.Where(a => a.IsInForceOn(today)).ToList();
        if (inForce.Count == 0)
        {
            var lastEnd = covering.Max(a => a.ValidTo);
            throw lastEnd < today
                ? new UserError(ErrorCodes.AgreementExpired, $"Your organisation's agreement for {name} expired on {lastEnd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}. Ask for it to be renewed.")
                : new UserError(ErrorCodes.AgreementRequired, $"Your organisation's agreement for {name} is not in force yet; it starts on {covering.Min(a => a.ValidFrom).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.");
        }

        var provinces = inForce.Any(a => a.ProvinceCodes.Count == 0) ? null : inForce.SelectMany(a => a.ProvinceCodes).ToHashSet(StringComparer.Ordinal);
        return new EffectiveAgreement(inForce.Max(a => a.Granularity), provinces);
    }
}
