using System.Collections.Concurrent;
using GraphQL;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Domain.Sharing;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// What one GraphQL request carries besides its document: who is asking, the caller's sharing agreements, and the
/// batch loaders of this request. It is the execution's user context.
/// </summary>
public sealed class RequestContext : Dictionary<string, object?>
{
    private readonly ConcurrentDictionary<string, object> loaders = new();
    private readonly Lazy<Task<IReadOnlyList<SharingAgreement>>> agreements;
    private int cellsSuppressed;

    public RequestContext(Caller caller, IDbContextFactory<PartnerGraphDbContext> databases, TimeProvider clock)
        : this(caller, databases, clock, new(async () =>
        {
            await using var db = await databases.CreateDbContextAsync().ConfigureAwait(false);
            return await db.SharingAgreements.Where(a => a.OrganisationId == caller.OrganisationId).ToListAsync().ConfigureAwait(false);
        }))
    {
    }

    private RequestContext(Caller caller, IDbContextFactory<PartnerGraphDbContext> databases, TimeProvider clock, Lazy<Task<IReadOnlyList<SharingAgreement>>> agreements)
    {
        Caller = caller;
        Databases = databases;
        Clock = clock;
        this.agreements = agreements;
    }

    public Caller Caller { get; }

    public IDbContextFactory<PartnerGraphDbContext> Databases { get; }

    public TimeProvider Clock { get; }

    /// <summary>How many cells disclosure control withheld in this request's answer, for the access log.</summary>
    public int CellsSuppressed => Volatile.Read(ref cellsSuppressed);

    public void AddCellsSuppressed(int count) => Interlocked.Add(ref cellsSuppressed, count);

    /// <summary>The caller's organisation's agreements, read once per request.</summary>
    public Task<IReadOnlyList<SharingAgreement>> AgreementsAsync() => agreements.Value;

    /// <summary>The context of one event of a subscription: the same caller and agreements, loaders of its own.</summary>
    public RequestContext ForEvent() => new(Caller, Databases, Clock, agreements);

    /// <summary>The request's loader of that name, made on first use.</summary>
    public BatchLoader<TKey, TValue> Loader<TKey, TValue>(string name, Func<PartnerGraphDbContext, IReadOnlyCollection<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TValue>>> fetch, TValue missing)
        where TKey : notnull =>
        (BatchLoader<TKey, TValue>)loaders.GetOrAdd(name, _ => new BatchLoader<TKey, TValue>(
            async (keys, cancellationToken) =>
            {
                await using var db = await Databases.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
                return await fetch(db, keys, cancellationToken).ConfigureAwait(false);
            },
            missing));
}

public static class RequestContextExtensions
{
    public static RequestContext Request(this IResolveFieldContext context) =>
        context.UserContext as RequestContext ?? throw new InvalidOperationException("The execution has no RequestContext.");

    /// <summary>A context of its own for this resolver: resolvers run in parallel and a DbContext is not thread-safe.</summary>
    public static Task<PartnerGraphDbContext> OpenDatabaseAsync(this IResolveFieldContext context) =>
        context.Request().Databases.CreateDbContextAsync(context.CancellationToken);
}
