using Microsoft.EntityFrameworkCore;
using PartnerGraph.Domain.Statistics;

namespace PartnerGraph.Data.Statistics;

/// <summary>The outcome of a charge: granted or not, and what the account has left of its quarter's budget after it.</summary>
public sealed record PrivacyCharge(bool Granted, long RemainingMicroRho, bool RefusedBySystemCap = false);

/// <summary>
/// Charges privacy loss to budgets, atomically across requests and instances: each charge is a conditional UPDATE
/// ("add this much where what is spent plus this much stays within the limit") on the account's row and then on the
/// system's row, in one transaction. Two charges at the edge of a budget cannot both pass: the database applies one
/// UPDATE to a row at a time and the second one's condition sees the first one's sum.
/// </summary>
public static class PrivacyLedger
{
    /// <summary>Charges <paramref name="microRho"/> to the account and to the system cap, or nothing when either would be overspent.</summary>
    public static async Task<PrivacyCharge> ChargeAsync(PartnerGraphDbContext db, string account, int quarter, long microRho, long accountLimit, long systemLimit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(microRho);
        await EnsureRowAsync(db, account, quarter, cancellationToken);
        await EnsureRowAsync(db, PrivacyBudget.SystemAccount, quarter, cancellationToken);
        var outcome = await db.InTransactionAsync(async ct =>
        {
            if (!await TryAddAsync(db, account, quarter, microRho, accountLimit, ct))
            {
                return (Granted: false, BySystem: false);
            }

            if (!await TryAddAsync(db, PrivacyBudget.SystemAccount, quarter, microRho, systemLimit, ct))
            {
                // The transaction is not committed: the account's UPDATE is undone with it.
                return (Granted: false, BySystem: true);
            }

            return (Granted: true, BySystem: false);
        }, cancellationToken);

        var remaining = accountLimit - await SpentAsync(db, account, quarter, cancellationToken);
        return new PrivacyCharge(outcome.Granted, Math.Max(0, remaining), outcome.BySystem);
    }

    /// <summary>What the account has spent in the quarter, in micro-rho.</summary>
    public static async Task<long> SpentAsync(PartnerGraphDbContext db, string account, int quarter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.PrivacyBudgets.AsNoTracking().Where(b => b.Account == account && b.Quarter == quarter).Select(b => (long?)b.SpentMicroRho).SingleOrDefaultAsync(cancellationToken) ?? 0;
    }

    private static async Task<bool> TryAddAsync(PartnerGraphDbContext db, string account, int quarter, long microRho, long limit, CancellationToken cancellationToken) =>
        await db.PrivacyBudgets
            .Where(b => b.Account == account && b.Quarter == quarter && b.SpentMicroRho + microRho <= limit)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.SpentMicroRho, b => b.SpentMicroRho + microRho), cancellationToken) == 1;

    /// <summary>The account's row for the quarter, made at 0 spent the first time; a row another request made first is fine.</summary>
    private static async Task EnsureRowAsync(PartnerGraphDbContext db, string account, int quarter, CancellationToken cancellationToken)
    {
        if (await db.PrivacyBudgets.AsNoTracking().AnyAsync(b => b.Account == account && b.Quarter == quarter, cancellationToken))
        {
            return;
        }

        db.PrivacyBudgets.Add(new PrivacyBudget { Account = account, Quarter = quarter });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Made by a concurrent first charge: it is there now, which is all this step needs.
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }
}
