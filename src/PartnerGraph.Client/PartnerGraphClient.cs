using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using PartnerGraph.Client.Subscriptions;

namespace PartnerGraph.Client;

/// <summary>
/// A partner system's client of PartnerGraph: it holds the client-credentials token, sends GraphQL requests with typed
/// results, and follows subscriptions that resume after any disconnect. One instance per system, shared by all threads.
/// </summary>
public sealed class PartnerGraphClient : IDisposable
{
    private const string RequestsUnreferencedCode = "Reflection-based JSON: pass a JsonTypeInfo from your JsonSerializerContext, or set SerializerOptions.TypeInfoResolver to it.";
    private static readonly MediaTypeWithQualityHeaderValue GraphQLResponse = new("application/graphql-response+json");
    private static readonly MediaTypeWithQualityHeaderValue Json = new("application/json", 0.9);

    private readonly HttpClient http;
    private readonly bool ownsHttp;
    private readonly ClientCredentialsTokens tokens;
    private JsonSerializerOptions? serializer;

    /// <summary>
    /// A client for the options given. Pass an HttpClient to share a handler (IHttpClientFactory, a proxy, your own
    /// timeouts); it is used for tokens and requests, never disposed here. Subscriptions open their own WebSockets.
    /// </summary>
    public PartnerGraphClient(PartnerGraphClientOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        ownsHttp = httpClient is null;
        http = httpClient ?? new HttpClient();
        tokens = new ClientCredentialsTokens(http, options);
    }

    /// <summary>The options this client was made with.</summary>
    public PartnerGraphClientOptions Options { get; }

    /// <summary>
    /// The access token requests go out with: cached, replaced before it expires. For calls this client does not make
    /// (Server-Sent Events, your own HttpClient code).
    /// </summary>
    public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken = default) => tokens.GetAsync(cancellationToken);

    /// <summary>
    /// Runs a query or mutation and returns its data as T (the shape of <c>data</c>). Variables are an object or
    /// dictionary serialised with SerializerOptions. GraphQL errors throw <see cref="GraphQLException"/>.
    /// </summary>
    [RequiresUnreferencedCode(RequestsUnreferencedCode)]
    [RequiresDynamicCode(RequestsUnreferencedCode)]
    public Task<T> QueryAsync<T>(string document, object? variables = null, CancellationToken cancellationToken = default)
    {
        var serializer = Serializer();
        var json = variables is null ? null : JsonSerializer.SerializeToNode(variables, variables.GetType(), serializer)?.AsObject();
        return SendAsync(GraphQLRequest.FromText(document, json), (JsonTypeInfo<T>)serializer.GetTypeInfo(typeof(T)), cancellationToken);
    }

    /// <summary>Runs a request (text or trusted document by id) and returns its data as T, read with SerializerOptions.</summary>
    [RequiresUnreferencedCode(RequestsUnreferencedCode)]
    [RequiresDynamicCode(RequestsUnreferencedCode)]
    public Task<T> SendAsync<T>(GraphQLRequest request, CancellationToken cancellationToken = default) =>
        SendAsync(request, (JsonTypeInfo<T>)Serializer().GetTypeInfo(typeof(T)), cancellationToken);

    /// <summary>
    /// Runs a request (text or trusted document by id) and returns its data read with the type information given (from
    /// your JsonSerializerContext: no reflection). GraphQL errors throw <see cref="GraphQLException"/> with every error
    /// and the first one's extensions.code. A token the server rejects (401) is replaced and the request sent once more:
    /// a request refused at authentication has not run.
    /// </summary>
    public async Task<T> SendAsync<T>(GraphQLRequest request, JsonTypeInfo<T> dataType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(dataType);
        var body = Serialise(request);
        for (var attempt = 0; ; attempt++)
        {
            var token = await tokens.GetAsync(cancellationToken).ConfigureAwait(false);
            using var message = new HttpRequestMessage(HttpMethod.Post, Options.GraphQLAddress) { Content = new ByteArrayContent(body) };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            message.Headers.Accept.Add(GraphQLResponse);
            message.Headers.Accept.Add(Json);
            using var response = await http.SendAsync(message, cancellationToken).ConfigureAwait(false);
            var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            using var document = ParseOrThrow(response, answer);
            var root = document.RootElement;
            var errors = root.TryGetProperty("errors", out var e) ? GraphQLError.ListOf(e) : [];
            var data = root.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Null ? d : (JsonElement?)null;
            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0 && errors.All(x => x.Code is null or "INVALID_TOKEN" or "UNAUTHENTICATED"))
            {
                tokens.Reject(token);
                continue;
            }

            if (errors.Count > 0)
            {
                throw new GraphQLException(errors, response.StatusCode, ClientCredentialsTokens.RetryAfterOf(response), data?.Clone());
            }

            if (data is null)
            {
                throw new GraphQLException($"The server answered {(int)response.StatusCode} with neither data nor errors.");
            }

            return data.Value.Deserialize(dataType)!;
        }
    }

    /// <summary>
    /// Follows the status changes of the referrals your organisation sent or received (of one, with referralId) over
    /// graphql-ws, from the sequence the store holds (every change on record when it holds none). It reconnects after
    /// any disconnect, server restart or retryable close code, with backoff, and resumes after the last change it handed
    /// you, so none is lost or repeated; the store is saved when you ask for the next change (see
    /// <see cref="SubscribeAsync{T}"/> for exactly when). It ends only when cancelled, and throws on a refusal that
    /// trying again cannot mend (<see cref="SubscriptionClosedException"/>, <see cref="GraphQLException"/>,
    /// <see cref="TokenRequestException"/>).
    /// </summary>
    public IAsyncEnumerable<ReferralStatusChange> FollowReferralChangesAsync(ISequenceStore store, string? referralId = null, CancellationToken cancellationToken = default)
    {
        var variables = referralId is null ? null : new JsonObject { ["referralId"] = referralId };
        var request = Options.SendDocumentsById
            ? GraphQLRequest.ById(ReferralFeed.DocumentId, variables)
            : GraphQLRequest.FromText(ReferralFeed.Document, variables);
        return SubscribeAsync(new ResumableSubscription<ReferralStatusChange>(request, ClientJsonContext.Default.ReferralStatusChange, change => change.Sequence), store, cancellationToken);
    }

    /// <summary>
    /// Follows any subscription whose items carry a sequence: the document takes the last sequence as a variable
    /// (<c>after</c> by default) and each item is the value of its one root field. Resumes after any disconnect from the
    /// last sequence handed out, with backoff and a fresh token.
    /// <para>
    /// When the store is saved: an item counts as handled when you ask for the next one (the loop comes round again,
    /// even if that call is then cancelled), and its sequence is saved then, before anything else. So across a server
    /// killed or restarted, a network cut, a close code: every item exactly once, in order. Across your own process
    /// stopping: an item whose handling was cut short (an exception, <c>break</c>, a crash) is handed out again on the
    /// next run; nothing is skipped (at least once, repeating at most the one item in hand). Stop with the cancellation
    /// token rather than <c>break</c> to leave nothing to repeat. To make even that exactly once, save the sequence in the
    /// same transaction as your handling (implement <see cref="ISequenceStore"/> on your database, and skip an item whose
    /// sequence you have already recorded).
    /// </para>
    /// </summary>
    public async IAsyncEnumerable<T> SubscribeAsync<T>(ResumableSubscription<T> subscription, ISequenceStore store, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(store);
        var last = await store.LoadAsync(cancellationToken).ConfigureAwait(false) ?? subscription.StartAfter;
        var reconnects = new ReconnectPolicy(this);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await using var session = await reconnects.OpenAsync(subscription, last, cancellationToken).ConfigureAwait(false);
            while (await session.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                var item = session.Current;
                var sequence = subscription.SequenceOf(item);
                if (sequence <= last)
                {
                    // Never handed out twice, whatever the server sends.
                    continue;
                }

                reconnects.Delivered();
                yield return item;

                // The consumer is back for the next one: this one is handled.
                last = sequence;
                await store.SaveAsync(sequence, CancellationToken.None).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }

            reconnects.Lost(session);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        tokens.Dispose();
        if (ownsHttp)
        {
            http.Dispose();
        }
    }

    internal ClientCredentialsTokens Tokens => tokens;

    [RequiresUnreferencedCode(RequestsUnreferencedCode)]
    [RequiresDynamicCode(RequestsUnreferencedCode)]
    private JsonSerializerOptions Serializer()
    {
        if (Volatile.Read(ref serializer) is { } made)
        {
            return made;
        }

        var options = new JsonSerializerOptions(Options.SerializerOptions ?? new JsonSerializerOptions(JsonSerializerDefaults.Web));
        options.TypeInfoResolver ??= new DefaultJsonTypeInfoResolver();
        options.MakeReadOnly();
        return Interlocked.CompareExchange(ref serializer, options, null) ?? options;
    }

    internal static byte[] Serialise(GraphQLRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            request.WriteTo(json);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static JsonDocument ParseOrThrow(HttpResponseMessage response, byte[] body)
    {
        try
        {
            var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return document;
            }

            document.Dispose();
        }
        catch (JsonException)
        {
        }

        // Not GraphQL's answer: a proxy's page, a gateway timeout.
        throw new HttpRequestException($"The server answered {(int)response.StatusCode} {response.ReasonPhrase} without a GraphQL response.", null, response.StatusCode);
    }
}
