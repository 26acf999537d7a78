using System.Collections.Concurrent;
using GraphQL;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;
using PartnerGraph.Domain.Sharing;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// What one GraphQL request carries besides its document: who is asking, the caller's sharing agreements, the batch
/// loaders of this request, and what its answer disclosed. It is the execution's user context; the operation
/// pipeline builds it and records what it accumulated.
/// </summary>
public sealed class RequestContext : Dictionary<string, object?>
{
    private readonly ConcurrentDictionary<string, object> loaders = new();
    private readonly Lazy<Task<IReadOnlyList<SharingAgreement>>> agreements;
    private readonly Func<CancellationToken, Task> payForPage;

    /// <param name="payForPage">Takes one request of the caller's rate for a page of work the request asks for (see <see cref="PayForPageAsync"/>).</param>
    public RequestContext(Caller caller, IDbContextFactory<PartnerGraphDbContext> databases, TimeProvider clock, Func<CancellationToken, Task> payForPage)
        : this(caller, databases, clock, payForPage, new(async () =>
        {
            await using var db = await databases.CreateDbContextAsync().ConfigureAwait(false);
            return await db.SharingAgreements.Where(a => a.OrganisationId == caller.OrganisationId).ToListAsync().ConfigureAwait(false);
        }))
    {
    }

    private RequestContext(Caller caller, IDbContextFactory<PartnerGraphDbContext> databases, TimeProvider clock, Func<CancellationToken, Task> payForPage, Lazy<Task<IReadOnlyList<SharingAgreement>>> agreements)
    {
        Caller = caller;
        Databases = databases;
        Clock = clock;
        this.payForPage = payForPage;
        this.agreements = agreements;
    }

    public Caller Caller { get; }

    public IDbContextFactory<PartnerGraphDbContext> Databases { get; }

    public TimeProvider Clock { get; }

    /// <summary>The one event a subscription is run for when the server delivers it itself (a webhook), instead of a stream of them.</summary>
    public object? Event { get; init; }

    /// <summary>What disclosure control did to this request's answer, for the access log.</summary>
    public DisclosureAccount Disclosure { get; } = new();

    /// <summary>The caller's organisation's agreements, read once per request.</summary>
    public Task<IReadOnlyList<SharingAgreement>> AgreementsAsync() => agreements.Value;

    /// <summary>
    /// Takes one request of the caller's rate, waiting while it is spent, before a page of work that one message can ask
    /// for in any amount (a subscription's replay): the client pays for it as for as many requests, and the server does
    /// it no faster than the client's rate.
    /// </summary>
    public Task PayForPageAsync(CancellationToken cancellationToken) => payForPage(cancellationToken);

    /// <summary>The context of one event of a subscription: the same caller and agreements, loaders of its own.</summary>
    public RequestContext ForEvent() => new(Caller, Databases, Clock, payForPage, agreements);

    /// <summary>The request's loader of that name, made on first use.</summary>
    public BatchLoader<TKey, TValue> Loader<TKey, TValue>(string name, Func<PartnerGraphDbContext, IReadOnlyCollection<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TValue>>> fetch, TValue missing)
        where TKey : notnull
    {
        // Asked for once per field of a page (the organisation of each history entry): found without making a closure.
        return (BatchLoader<TKey, TValue>)(loaders.TryGetValue(name, out var existing) ? existing : Add(name, fetch, missing));
    }

    private object Add<TKey, TValue>(string name, Func<PartnerGraphDbContext, IReadOnlyCollection<TKey>, CancellationToken, Task<IReadOnlyDictionary<TKey, TValue>>> fetch, TValue missing)
        where TKey : notnull =>
        loaders.GetOrAdd(name, _ => new BatchLoader<TKey, TValue>(
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
