using System.Globalization;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Data.Events;
using PartnerGraph.Domain.Referrals;
using PartnerGraph.Domain.Sharing;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Referrals;

/// <summary>
/// The referral workflow: the sender creates and withdraws, the receiver moves the referral forward. Each change writes
/// the referral, its history entry and its outbox event in one transaction; subscribers are fed from the outbox.
/// </summary>
public sealed class ReferralMutations(OutboxSignal outbox) : IRootFields
{
    private const int ReferenceAttempts = 5;

    public RootOperation Operation => RootOperation.Mutation;

    public void AddFields(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<ReferralPayloadType>, ReferralPayload>("createReferral")
            .Description("Refers a case from the caller's organisation to another. Errors: CONSENT_REQUIRED, INVALID_REFERRAL, UNKNOWN_ORGANISATION, AGREEMENT_REQUIRED.")
            .Argument<NonNullGraphType<CreateReferralInputType>>("input", "The referral: receiver, kind, services, urgency and consent.")
            .RequireScopes(Scopes.ReferralsWrite)
            .ResolveAsync(async c => await CreateAsync(c));

        Move(root, "acknowledgeReferral", ReferralStatus.Acknowledged, "The receiver acknowledges a SUBMITTED referral.");
        Move(root, "acceptReferral", ReferralStatus.Accepted, "The receiver accepts an ACKNOWLEDGED referral.");
        Move(root, "declineReferral", ReferralStatus.Declined, "The receiver declines an ACKNOWLEDGED referral; reason is required.");
        Move(root, "startReferralService", ReferralStatus.InService, "The receiver starts the services of an ACCEPTED referral.");
        Move(root, "completeReferral", ReferralStatus.Completed, "The receiver completes the services of a referral IN_SERVICE.");
        Move(root, "withdrawReferral", ReferralStatus.Withdrawn, "The sender withdraws a referral that is SUBMITTED, ACKNOWLEDGED or ACCEPTED.");
    }

    private void Move(ObjectGraphType root, string name, ReferralStatus to, string description) =>
        root.Field<NonNullGraphType<ReferralPayloadType>, ReferralPayload>(name)
            .Description(description + " Errors: REFERRAL_TRANSITION_NOT_ALLOWED (naming the moves you may make), CONCURRENT_UPDATE, REFERRAL_NOT_FOUND, REASON_REQUIRED, PII_NOT_ALLOWED.")
            .Argument<NonNullGraphType<ReferralTransitionInputType>>("input", "The referral, the version you last read, and a reason where the move needs one.")
            .RequireScopes(Scopes.ReferralsWrite)
            .ResolveAsync(async c => await MoveAsync(c, to));

    private async Task<ReferralPayload> CreateAsync(IResolveFieldContext c)
    {
        await c.RequireAgreementAsync(SharedDatasets.Referrals);
        var request = c.Request();
        var input = c.GetArgument<CreateReferralInput>("input");
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await c.OpenDatabaseAsync();
            var sender = await db.Organisations.FirstOrDefaultAsync(o => o.Id == request.Caller.OrganisationId, c.CancellationToken)
                ?? throw new UserError(ErrorCodes.UnknownOrganisation, "Your organisation is not registered; ask the Anti-Human Trafficking Division.");
            var receiver = await db.Organisations.FirstOrDefaultAsync(o => o.Id == input.ToOrganisation, c.CancellationToken)
                ?? throw new UserError(ErrorCodes.UnknownOrganisation, "input.toOrganisation names no organisation. The organisations query lists their slugs.");
            Referral referral;
            try
            {
                // One transaction from numbering to the outbox event (which needs the referral's id). On SQLite it takes
                // the write lock first, so two instances never pick the same number; elsewhere the unique index decides.
                referral = await db.InTransactionAsync(async ct =>
                {
                    var at = request.Clock.GetUtcNow().UtcDateTime;
                    var reference = await NextReferenceAsync(db, at, ct);
                    var opened = UserError.Enforcing(() => input.ToRequest().Open(sender, receiver, reference, at));
                    db.Referrals.Add(opened);
                    await db.SaveChangesAsync(ct);
                    db.OutboxEvents.Add(OutboxEvent.Of(opened, opened.History[0]));
                    await db.SaveChangesAsync(ct);
                    return opened;
                }, c.CancellationToken);
            }
            catch (DbUpdateException) when (attempt < ReferenceAttempts)
            {
                continue; // another instance took the same number at the same moment: number it again
            }

            outbox.Notify();
            return new ReferralPayload(referral, referral.History[0]);
        }
    }

    private async Task<ReferralPayload> MoveAsync(IResolveFieldContext c, ReferralStatus to)
    {
        await c.RequireAgreementAsync(SharedDatasets.Referrals);
        var request = c.Request();
        var input = c.GetArgument<ReferralTransitionInput>("input");
        var id = GlobalId.DecodeLong(input.ReferralId, ReferralType.TypeName);
        await using var db = await c.OpenDatabaseAsync();
        var (referral, change) = await db.RetryingAsync(async ct =>
        {
            var current = await db.VisibleReferrals(request.Caller).AsTracking().FirstOrDefaultAsync(r => r.Id == id, ct)
                ?? throw new UserError(ErrorCodes.ReferralNotFound, "Your organisation sent or received no referral with this id.");
            if (current.Version != input.ExpectedVersion)
            {
                throw Stale(current);
            }

            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                // Stamped inside the transaction, which on SQLite waits for the write turn: changedAt is when the change
                // was recorded, so the history's times follow its sequence even when writers queue.
                var made = UserError.Enforcing(() => ReferralWorkflow.Apply(current, to, request.Caller.OrganisationId, input.Reason, request.Clock.GetUtcNow().UtcDateTime));
                db.OutboxEvents.Add(OutboxEvent.Of(current, made));
                try
                {
                    await db.SaveChangesAsync(ct);
                    await transaction.CommitAsync(ct);
                    return (current, made);
                }
                catch (DbUpdateConcurrencyException)
                {
                    // Someone else's change committed between our read and our write: theirs stands, ours is not written.
                }
            }

            // Read once the transaction (and on SQLite the write turn) is given back.
            throw Stale(await db.Referrals.FirstAsync(r => r.Id == id, ct));
        }, c.CancellationToken);

        outbox.Notify();
        return new ReferralPayload(referral, change);
    }

    private static UserError Stale(Referral current) =>
        new(
            ErrorCodes.ConcurrentUpdate,
            string.Create(CultureInfo.InvariantCulture, $"The referral changed since you read it: it is now {ReferralWorkflow.Name(current.Status)} at version {current.Version}. Read it again and decide; nothing was changed."),
            new Dictionary<string, object?> { ["currentStatus"] = ReferralWorkflow.Name(current.Status), ["currentVersion"] = current.Version });


    /// <summary>REF-YYYY-NNNNNN: the next number of the year. Two instances may pick the same one; the unique index decides.</summary>
    private static async Task<string> NextReferenceAsync(PartnerGraphDbContext db, DateTime at, CancellationToken cancellationToken)
    {
        var prefix = string.Create(CultureInfo.InvariantCulture, $"REF-{at.Year}-");
        var last = await db.Referrals.Where(r => r.Reference.StartsWith(prefix)).MaxAsync(r => (string?)r.Reference, cancellationToken);
        var number = last is null ? 1 : int.Parse(last.AsSpan(prefix.Length), CultureInfo.InvariantCulture) + 1;
        return string.Create(CultureInfo.InvariantCulture, $"{prefix}{number:000000}");
    }
}
