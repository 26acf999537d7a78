using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data.Events;
using PartnerGraph.Domain.Referrals;
using PartnerGraph.Domain.Sharing;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Pipeline;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Referrals;

public sealed class ReferralSubscriptions(ReferralEventFeed feed) : IRootFields
{
    public RootOperation Operation => RootOperation.Subscription;

    public void AddFields(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<ReferralStatusChangeType>, ReferralStatusChange>("referralStatusChanged")
            .Description("The status changes of referrals the caller's organisation sent or received (of one, with referralId). With after, every later change is sent first from the record, in order, then the live ones: pass the last sequence you saw to resume without a gap or a repeat.")
            .Argument<IdGraphType>("referralId", "Only this referral's changes; every referral your organisation sent or received when left out.")
            .Argument<LongGraphType>("after", "The last sequence you received; 0 for every change on record. The record is sent 20 changes at a time, each 20 counting as one request of your rate.")
            .RequireScopes(Scopes.ReferralsRead)
            .PerSubscriber("after")
            .Resolve(c => (ReferralStatusChange)c.Source!)
            .ResolveStreamAsync(async c =>
            {
                await c.RequireAgreementAsync(SharedDatasets.Referrals);
                var request = c.Request();
                var caller = request.Caller;
                long? referralId = c.GetArgument<string?>("referralId") is { } id ? GlobalId.DecodeLong(id, ReferralType.TypeName) : null;
                var after = c.GetArgument<long?>("after");
                if (after < 0)
                {
                    throw new UserError(ErrorCodes.InvalidCursor, "after is a sequence you received: 0 or more.");
                }

                if (request.Event is ReferralStatusChange delivered)
                {
                    // A webhook's delivery: the one event, when the document's referralId (if any) names its referral.
                    return new OneEvent(referralId is null || referralId == delivered.ReferralId ? delivered : null);
                }

                if (referralId is { } one)
                {
                    await using var db = await c.OpenDatabaseAsync();
                    if (!await db.VisibleReferrals(caller).AnyAsync(r => r.Id == one, c.CancellationToken))
                    {
                        throw new UserError(ErrorCodes.ReferralNotFound, "Your organisation sent or received no referral with this id.");
                    }
                }

                return await feed.SubscribeAsync(caller.OrganisationId, referralId, after, request.PayForPageAsync, c.CancellationToken);
            });
    }
}

/// <summary>A stream of at most one event, for a subscription run for one event (a webhook's delivery).</summary>
internal sealed class OneEvent(ReferralStatusChange? change) : IObservable<ReferralStatusChange>, IDisposable
{
    public IDisposable Subscribe(IObserver<ReferralStatusChange> observer)
    {
        if (change is not null)
        {
            observer.OnNext(change);
        }

        observer.OnCompleted();
        return this;
    }

    public void Dispose()
    {
        // nothing runs on after the one event
    }
}
