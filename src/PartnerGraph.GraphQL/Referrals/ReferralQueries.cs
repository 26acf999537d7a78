using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Domain.Referrals;
using PartnerGraph.Domain.Sharing;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Referrals;

public sealed class ReferralQueries : IRootFields
{
    public RootOperation Operation => RootOperation.Query;

    public void AddFields(ObjectGraphType root)
    {
        root.Field<ReferralType, IDataLoaderResult<Referral?>>("referral")
            .Description("A referral the caller's organisation sent or received; null for any other id.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The referral's global id (its id field).")
            .RequireScopes(Scopes.ReferralsRead)
            .ResolveAsync(async c =>
            {
                var id = GlobalId.DecodeLong(c.GetArgument<string>("id"), ReferralType.TypeName);
                await c.RequireAgreementAsync(SharedDatasets.Referrals);
                return c.Request().Referrals().Load(id);
            });

        root.Field<NonNullGraphType<ConnectionType<ReferralType, Referral>>, Page<Referral>>("referrals")
            .Description("The referrals the caller's organisation sent or received, oldest first.")
            .Argument<ReferralFilterInputType>("filter", "Which referrals; all those your organisation sent or received when left out.")
            .PageArguments()
            .RequireScopes(Scopes.ReferralsRead)
            .ResolveAsync(async c =>
            {
                await c.RequireAgreementAsync(SharedDatasets.Referrals);
                var filter = c.GetArgument<ReferralFilter?>("filter") ?? new ReferralFilter();
                var caller = c.Request().Caller;
                if (filter.Organisation is not null)
                {
                    await using var db = await c.OpenDatabaseAsync();
                    if (!await db.Organisations.AnyAsync(o => o.Id == filter.Organisation, c.CancellationToken))
                    {
                        throw new UserError(ErrorCodes.UnknownOrganisation, "filter.organisation names no organisation. The organisations query lists their slugs.");
                    }
                }

                return await c.PageAsync(db => Apply(db.VisibleReferrals(caller), filter, caller.OrganisationId), r => r.Id);
            });
    }

    private static IQueryable<Referral> Apply(IQueryable<Referral> referrals, ReferralFilter filter, string self)
    {
        if (filter.Status is { Count: > 0 } statuses)
        {
            referrals = referrals.Where(r => statuses.Contains(r.Status));
        }

        if (filter.Kind is { } kind)
        {
            referrals = referrals.Where(r => r.Kind == kind);
        }

        referrals = filter.Direction switch
        {
            ReferralDirection.Sent => referrals.Where(r => r.FromOrganisationId == self),
            ReferralDirection.Received => referrals.Where(r => r.ToOrganisationId == self),
            _ => referrals,
        };

        if (filter.Organisation is { } other)
        {
            referrals = referrals.Where(r => r.FromOrganisationId == other || r.ToOrganisationId == other);
        }

        if (filter.UpdatedSince is { } since)
        {
            var utc = since.ToUniversalTime();
            referrals = referrals.Where(r => r.UpdatedAt >= utc);
        }

        return referrals;
    }
}
