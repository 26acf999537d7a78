using System.Buffers.Text;
using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;
using GraphQL.Types.Relay.DataObjects;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Data;

namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// One page of a Relay connection: its items in order, where the page stands, and a count on demand. The edges, each
/// with its cursor, are made when a request asks for them; most ask for nodes and pageInfo only.
/// </summary>
public sealed class Page<T>(IReadOnlyList<T> nodes, Func<T, string> cursorOf, PageInfo pageInfo, Func<CancellationToken, Task<int>> countAsync)
{
    private IReadOnlyList<Edge<T>>? edges;

    public IReadOnlyList<T> Nodes { get; } = nodes;

    public IReadOnlyList<Edge<T>> Edges => edges ??= [.. Nodes.Select(n => new Edge<T> { Cursor = cursorOf(n), Node = n })];

    public PageInfo PageInfo { get; } = pageInfo;

    public Func<CancellationToken, Task<int>> CountAsync { get; } = countAsync;
}

public sealed record PageArguments(int Size, bool Backward, string? Cursor);

/// <summary>
/// The one pagination helper: Relay arguments, their limits, and keyset pages over an ordered key, so a page costs
/// one query however deep it is.
/// </summary>
public static class Pagination
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>Adds first/after, and last/before where the list can be read backwards.</summary>
    public static FieldBuilder<TSource, TReturn> PageArguments<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field, bool backward = true)
    {
        field.Argument<IntGraphType>("first", $"At most this many from the start (or after the cursor); {DefaultPageSize} by default, {MaxPageSize} at most.")
            .Argument<StringGraphType>("after", "Cursor of the edge to start after.");
        if (backward)
        {
            field.Argument<IntGraphType>("last", $"At most this many from the end (or before the cursor); {MaxPageSize} at most.")
                .Argument<StringGraphType>("before", "Cursor of the edge to end before.");
        }

        return field;
    }

    public static PageArguments ReadPageArguments(this IResolveFieldContext context)
    {
        var first = context.GetArgument<int?>("first");
        var last = context.GetArgument<int?>("last");
        var after = context.GetArgument<string?>("after");
        var before = context.GetArgument<string?>("before");
        if (first is not null && last is not null)
        {
            throw new UserError(ErrorCodes.InvalidPagination, "Ask for either first or last, not both.");
        }

        if ((after is not null && before is not null) || (after is not null && last is not null) || (before is not null && first is not null))
        {
            throw new UserError(ErrorCodes.InvalidPagination, "Use first with after to read forwards, or last with before to read backwards.");
        }

        var backward = last is not null || before is not null;
        var size = (backward ? last : first) ?? DefaultPageSize;
        if (size < 0)
        {
            throw new UserError(ErrorCodes.InvalidPagination, "A page size cannot be negative.");
        }

        if (size > MaxPageSize)
        {
            throw new UserError(ErrorCodes.PageSizeTooLarge, $"A page holds at most {MaxPageSize} items; you asked for {size}. Page through with the cursors.", new Dictionary<string, object?> { ["limit"] = MaxPageSize, ["value"] = size });
        }

        return new PageArguments(size, backward, backward ? before : after);
    }

    /// <summary>A page of the list that query makes, in the order of key; totalCount opens its own context when asked for.</summary>
    public static Task<Page<T>> PageAsync<T>(this IResolveFieldContext context, Func<PartnerGraphDbContext, IQueryable<T>> query, Expression<Func<T, long>> key) =>
        PageAsync(context, query, key, LongCursor);

    public static Task<Page<T>> PageAsync<T>(this IResolveFieldContext context, Func<PartnerGraphDbContext, IQueryable<T>> query, Expression<Func<T, string>> key) =>
        PageAsync(context, query, key, StringCursor);

    private static async Task<Page<T>> PageAsync<T, TKey>(IResolveFieldContext context, Func<PartnerGraphDbContext, IQueryable<T>> query, Expression<Func<T, TKey>> key, Cursor<TKey> cursor)
    {
        var page = context.ReadPageArguments();
        var databases = context.Request().Databases;
        async Task<int> CountAsync(CancellationToken ct)
        {
            await using var db = await databases.CreateDbContextAsync(ct).ConfigureAwait(false);
            return await query(db).CountAsync(ct).ConfigureAwait(false);
        }

        await using var db = await databases.CreateDbContextAsync(context.CancellationToken).ConfigureAwait(false);
        var filtered = query(db);
        if (page.Cursor is not null)
        {
            var (valid, from) = cursor.Decode(page.Cursor);
            if (!valid)
            {
                throw new UserError(ErrorCodes.InvalidCursor, "That cursor is not one this list gave out. Use the cursor of an edge or pageInfo.");
            }

            filtered = filtered.Where(Beyond(key, from, page.Backward));
        }

        var ordered = page.Backward ? filtered.OrderByDescending(key) : filtered.OrderBy(key);
        var rows = page.Size == 0 ? [] : await ordered.Take(page.Size + 1).ToListAsync(context.CancellationToken).ConfigureAwait(false);
        var more = rows.Count > page.Size;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        if (page.Backward)
        {
            rows.Reverse();
        }

        var keyOf = KeyReaders<T, TKey>.For(key);
        string CursorOf(T row) => cursor.Encode(keyOf(row));
        var info = new PageInfo
        {
            HasNextPage = page.Backward ? page.Cursor is not null : more,
            HasPreviousPage = page.Backward ? more : page.Cursor is not null,
            StartCursor = rows.Count > 0 ? CursorOf(rows[0]) : null,
            EndCursor = rows.Count > 0 ? CursorOf(rows[^1]) : null,
        };
        return new Page<T>(rows, CursorOf, info, CountAsync);
    }

    /// <summary>
    /// The compiled reader of a key property, made once per property: the key expression is a new tree on every
    /// request, and compiling it each time would cost more than the page.
    /// </summary>
    private static class KeyReaders<T, TKey>
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<System.Reflection.MemberInfo, Func<T, TKey>> Readers = new();

        public static Func<T, TKey> For(Expression<Func<T, TKey>> key) =>
            key.Body is MemberExpression member
                ? Readers.GetOrAdd(member.Member, _ => key.Compile())
                : key.Compile();
    }

    /// <summary>key &gt; value going forwards, key &lt; value going backwards; strings compare as the database orders them.</summary>
    private static Expression<Func<T, bool>> Beyond<T, TKey>(Expression<Func<T, TKey>> key, TKey value, bool backward)
    {
        Expression left = key.Body;
        Expression right = Expression.Constant(value, typeof(TKey));
        if (typeof(TKey) == typeof(string))
        {
            left = Expression.Call(typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!, left, right);
            right = Expression.Constant(0);
        }

        var body = backward ? Expression.LessThan(left, right) : Expression.GreaterThan(left, right);
        return Expression.Lambda<Func<T, bool>>(body, key.Parameters);
    }

    /// <summary>The cursor of the edge whose key is that number, as the lists give it out.</summary>
    public static string CursorOf(long key) => LongCursor.Encode(key);

    private sealed record Cursor<TKey>(Func<TKey, string> Encode, Func<string, (bool Valid, TKey Key)> Decode);

    private static readonly Cursor<long> LongCursor = new(
        k => Encode(k.ToString(CultureInfo.InvariantCulture)),
        c => Decode(c) is { } s && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? (true, k) : (false, 0));

    private static readonly Cursor<string> StringCursor = new(Encode, c => Decode(c) is { } s ? (true, s) : (false, ""));

    private static string Encode(string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes("cursor:" + key));

    private static string? Decode(string cursor)
    {
        if (cursor.Length > 200)
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[Base64Url.GetMaxDecodedLength(cursor.Length)];
        if (Base64Url.DecodeFromChars(cursor, buffer, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(buffer[..written]);
        return text.StartsWith("cursor:", StringComparison.Ordinal) ? text["cursor:".Length..] : null;
    }
}
