using GraphQL.DataLoader;
using GraphQL.Types;
using PartnerGraph.Domain.Organisations;
using PartnerGraph.Domain.Referrals;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Organisations;

namespace PartnerGraph.GraphQL.Referrals;

public sealed class ReferralType : ObjectGraphType<Referral>
{
    public const string TypeName = "Referral";

    public ReferralType()
    {
        Name = TypeName;
        Description = "The hand-over of one pseudonymised case from one organisation to another, for services.";
        Interface<NodeInterface>();
        IsTypeOf = o => o is Referral;
        Field<NonNullGraphType<IdGraphType>, string>("id").Resolve(c => GlobalId.Encode(TypeName, c.Source.Id));
        Field(r => r.Reference).Description("Readable reference, e.g. REF-2026-000123.");
        Field<NonNullGraphType<EnumerationGraphType<ReferralKind>>, ReferralKind>("kind").Resolve(c => c.Source.Kind);
        Field(r => r.DestinationCountry, nullable: true).Description("ISO 3166-1 alpha-2 destination of a transnational referral.");
        Field<NonNullGraphType<EnumerationGraphType<ReferralStatus>>, ReferralStatus>("status").Resolve(c => c.Source.Status);
        Field<NonNullGraphType<EnumerationGraphType<ReferralUrgency>>, ReferralUrgency>("urgency").Resolve(c => c.Source.Urgency);
        Field(r => r.Version).Description("Changes with every status change; pass it back as expectedVersion.");
        Field<NonNullGraphType<OrganisationType>, object?>("fromOrganisation")
            .Description("The sender.")
            .Resolve(c => c.Request().Organisations().LoadOrValue(c.Source.FromOrganisationId));
        Field<NonNullGraphType<OrganisationType>, object?>("toOrganisation")
            .Description("The receiver.")
            .Resolve(c => c.Request().Organisations().LoadOrValue(c.Source.ToOrganisationId));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ReferralServiceType>>>, IEnumerable<ReferralServices>>("services")
            .Description("The services asked for.")
            .Resolve(c => ReferralServiceType.Split(c.Source.Services));
        Field<NonNullGraphType<ReferralConsentType>, Referral>("consent").Resolve(c => c.Source);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ReferralStatusChangeType>>>, IDataLoaderResult<IReadOnlyList<ReferralStatusChange>>>("history")
            .Description("Every status change, oldest first.")
            .Resolve(c => c.Request().ReferralHistory().Load(c.Source.Id));
        Field(r => r.CreatedAt);
        Field(r => r.UpdatedAt);
    }
}

public sealed class ReferralConsentType : ObjectGraphType<Referral>
{
    public ReferralConsentType()
    {
        Name = "ReferralConsent";
        Description = "The record of consent for the referral.";
        Field<NonNullGraphType<EnumerationGraphType<ConsentGiver>>, ConsentGiver>("givenBy").Resolve(c => c.Source.ConsentGivenBy);
        Field<NonNullGraphType<DateTimeGraphType>, DateTime>("recordedAt").Resolve(c => c.Source.ConsentRecordedAt);
    }
}

public sealed class ReferralServiceType : EnumerationGraphType
{
    public ReferralServiceType()
    {
        Name = "ReferralService";
        Description = "A service a referral asks for.";
        foreach (var service in Enum.GetValues<ReferralServices>().Where(s => s != ReferralServices.None))
        {
            Add(global::GraphQL.StringExtensions.ToConstantCase(service.ToString()), service, PartnerGraph.Domain.EnumDescription.Of(service));
        }
    }

    private static readonly ReferralServices[] Each = [.. Enum.GetValues<ReferralServices>().Where(s => s != ReferralServices.None)];

    /// <summary>The services of a set, in declaration order, as an array: the list is completed by index, not enumerated into a buffer.</summary>
    public static ReferralServices[] Split(ReferralServices services)
    {
        var count = 0;
        foreach (var service in Each)
        {
            count += services.HasFlag(service) ? 1 : 0;
        }

        var split = new ReferralServices[count];
        count = 0;
        foreach (var service in Each)
        {
            if (services.HasFlag(service))
            {
                split[count++] = service;
            }
        }

        return split;
    }
}

public sealed class ReferralStatusChangeType : ObjectGraphType<ReferralStatusChange>
{
    public ReferralStatusChangeType()
    {
        Name = "ReferralStatusChange";
        Description = "One change of a referral's status.";
        Field<NonNullGraphType<LongGraphType>, long>("sequence")
            .Description("Strictly increasing across the whole system; the replay cursor of subscriptions.")
            .Resolve(c => c.Source.Sequence);
        Field<NonNullGraphType<ReferralType>, IDataLoaderResult<Referral?>>("referral")
            .Resolve(c => c.Request().Referrals().Load(c.Source.ReferralId));
        Field<EnumerationGraphType<ReferralStatus>, ReferralStatus?>("previousStatus").Resolve(c => c.Source.PreviousStatus);
        Field<NonNullGraphType<EnumerationGraphType<ReferralStatus>>, ReferralStatus>("status").Resolve(c => c.Source.Status);
        Field(h => h.ChangedAt).Description("When the change was recorded (UTC).");
        Field<NonNullGraphType<OrganisationType>, object?>("changedBy")
            .Resolve(c => c.Request().Organisations().LoadOrValue(c.Source.ChangedByOrganisationId));
        Field(h => h.Reason, nullable: true).Description("Why, where the move asks for one.");
    }
}
