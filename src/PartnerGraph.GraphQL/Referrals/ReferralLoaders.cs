using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Domain.Referrals;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Referrals;

public static class ReferralLoaders
{
    /// <summary>Only the referrals the caller's organisation sent or received; others do not exist for it.</summary>
    public static IQueryable<Referral> VisibleReferrals(this PartnerGraphDbContext db, Caller caller) =>
        db.Referrals.Where(ReferralVisibility.SentOrReceivedBy<Referral>(caller.OrganisationId));

    public static BatchLoader<long, Referral?> Referrals(this RequestContext request) =>
        request.Loader<long, Referral?>("referrals", async (db, ids, ct) =>
            await db.VisibleReferrals(request.Caller).Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => (Referral?)r, ct),
            null);

    public static BatchLoader<long, IReadOnlyList<ReferralStatusChange>> ReferralHistory(this RequestContext request) =>
        request.Loader<long, IReadOnlyList<ReferralStatusChange>>("referral-history", async (db, ids, ct) =>
        {
            // One pass into a list per referral, in sequence order (a page's history is a few hundred rows).
            var history = new Dictionary<long, IReadOnlyList<ReferralStatusChange>>(ids.Count);
            await foreach (var change in db.ReferralStatusChanges.Where(h => ids.Contains(h.ReferralId)).OrderBy(h => h.Sequence).AsAsyncEnumerable().WithCancellation(ct))
            {
                if (!history.TryGetValue(change.ReferralId, out var changes))
                {
                    history[change.ReferralId] = changes = new List<ReferralStatusChange>();
                }

                ((List<ReferralStatusChange>)changes).Add(change);
            }

            return history;
        },
            []);
}
