using System.Text;
using GraphQL;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Pipeline;
using PartnerGraph.GraphQL.Transport.Http;

namespace PartnerGraph.GraphQL.Transport.Sse;

public sealed class GraphQLSseOptions
{
    public const string Section = "GraphQL:Sse";

    /// <summary>How often an idle stream gets a comment line, so proxies keep it open; 0 turns it off.</summary>
    public double KeepAliveSeconds { get; set; } = 15;

    /// <summary>
    /// The shortest time between two writes of one subscription's events, in milliseconds: events that come sooner wait
    /// and go out together in one write (the first after a quiet spell goes at once); 0 writes each as it comes.
    /// </summary>
    public double SendIntervalMilliseconds { get; set; } = 50;
}

/// <summary>
/// GraphQL over Server-Sent Events, the graphql-sse protocol's distinct connections mode: one request, one stream of
/// next events and a complete event. The stream is one of the client's connections; its token comes in the
/// Authorization header, as for any HTTP request. Refusals before the operation runs are HTTP answers with a status;
/// errors found once it runs arrive as a next event (the protocol asks it, so that EventSource clients can read them).
/// </summary>
public sealed class GraphQLSseTransport(OperationPipeline pipeline, GraphQLRequestReader reader, HttpAnswers answers, IGraphQLTextSerializer serializer, TimeProvider clock, IOptions<GraphQLSseOptions> options)
{
    public const string EventStream = MediaTypes.EventStream;

    private static readonly byte[] Complete = "event: complete\ndata: \n\n"u8.ToArray();
    private static readonly byte[] NextStart = "event: next\ndata: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] KeepAlive = ":\n\n"u8.ToArray();

    /// <summary>
    /// Whether the request gets an event stream: when the client accepts only event streams, or accepts one (q &gt; 0)
    /// and sends a subscription. A query or mutation from a client that also accepts JSON gets JSON (RFC 9110: urql
    /// sends text/event-stream among its JSON types for every request). To tell, the request is read here once and its
    /// body rewound; a request that cannot be read or parsed, or one sent by document id alone, is no subscription
    /// (the endpoint that answers it reports its faults).
    /// </summary>
    public async Task<bool> IsRequestedAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!MediaTypes.AcceptsEventStream(request.Headers.Accept))
        {
            return false;
        }

        if (MediaTypes.Negotiate(request.Headers.Accept) is null)
        {
            return true;
        }

        request.EnableBuffering();
        try
        {
            var sent = await reader.ReadAsync(request, request.HttpContext.RequestAborted);
            if (string.IsNullOrEmpty(sent.Query))
            {
                return false;
            }

            // Parsed, not cached: the caller is not yet admitted, and its document must not push others' out of the cache.
            var document = Parser.Parse(sent.Query, new ParserOptions { Ignore = IgnoreOptions.Comments, MaxDepth = DocumentCache.MaxParserDepth });
            return SelectedOperation.Of(document, sent.OperationName)?.Operation == OperationType.Subscription;
        }
        catch (Exception e) when (e is OperationRefusedException or GraphQLParserException)
        {
            return false;
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    public async Task HandleAsync(HttpContext http)
    {
        var cancellationToken = http.RequestAborted;
        var credential = HttpAnswers.Credential(http.Request);
        var (connection, refused) = await pipeline.ConnectAsync(credential, TransportKind.ServerSentEvents, cancellationToken);
        if (connection is null)
        {
            await answers.WriteRefusalAsync(http, refused!, MediaTypes.Json);
            return;
        }

        await using (connection)
        {
            var outcome = await pipeline.RunAsync(new OperationCall(TransportKind.ServerSentEvents, credential, ct => reader.ReadAsync(http.Request, ct)) { Connection = connection }, cancellationToken);
            if (outcome.Refusal is { } refusal)
            {
                await answers.WriteRefusalAsync(http, refusal, MediaTypes.Json);
                return;
            }

            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.ContentType = EventStream + "; charset=utf-8";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            if (outcome.Stream is { } stream)
            {
                await using (stream)
                {
                    await StreamAsync(http, connection, stream);
                }
            }
            else
            {
                await WriteNextAsync(http.Response.Body, Encoding.UTF8.GetBytes(serializer.Serialize(outcome.Result)), cancellationToken);
                await http.Response.Body.WriteAsync(Complete, cancellationToken);
            }
        }
    }

    private async Task StreamAsync(HttpContext http, ClientConnection connection, Subscriber stream)
    {
        var cancellationToken = http.RequestAborted;
        var body = http.Response.Body;
        await http.Response.StartAsync(cancellationToken);
        await body.FlushAsync(cancellationToken);
        var pacer = new SendPacer(TimeSpan.FromMilliseconds(options.Value.SendIntervalMilliseconds), clock);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (true)
            {
                var next = stream.Results.WaitToReadAsync(ended.Token).AsTask();
                var keepAlive = options.Value.KeepAliveSeconds > 0 ? Task.Delay(TimeSpan.FromSeconds(options.Value.KeepAliveSeconds), clock, ended.Token) : Task.Delay(Timeout.Infinite, ended.Token);
                var first = await Task.WhenAny(next, keepAlive, connection.Revoked);
                if (first == connection.Revoked)
                {
                    await WriteRefusalAsync(body, await connection.Revoked, cancellationToken);
                    break;
                }

                if (first == keepAlive)
                {
                    await body.WriteAsync(KeepAlive, cancellationToken);
                    await body.FlushAsync(cancellationToken);
                    continue;
                }

                if (!await next)
                {
                    await stream.Results.Completion; // throws when the subscriber fell too far behind or was revoked
                    break;
                }

                await pacer.WaitTurnAsync(cancellationToken);
                while (stream.Results.TryRead(out var result))
                {
                    await WriteNextAsync(body, result, cancellationToken);
                }

                await body.FlushAsync(cancellationToken);
            }

            await body.WriteAsync(Complete, cancellationToken);
        }
        catch (OperationRevokedException revoked)
        {
            await WriteRefusalAsync(body, revoked.Refusal, cancellationToken);
            await body.WriteAsync(Complete, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the client closed the stream: that is how it completes a subscription
        }
        catch (SubscriberTooSlowException)
        {
            // ending the stream without complete tells the client to reconnect and resume with its cursor
        }
        finally
        {
            await ended.CancelAsync();
        }
    }

    /// <summary>The end of a subscription the client may no longer hold, as its last next event.</summary>
    private Task WriteRefusalAsync(Stream body, OperationRefusal refusal, CancellationToken cancellationToken) =>
        WriteNextAsync(body, Encoding.UTF8.GetBytes(serializer.Serialize(new ExecutionResult { Errors = [refusal.ToError()] })), cancellationToken);

    private static async Task WriteNextAsync(Stream body, ReadOnlyMemory<byte> result, CancellationToken cancellationToken)
    {
        await body.WriteAsync(NextStart, cancellationToken);
        await body.WriteAsync(result, cancellationToken);
        await body.WriteAsync(EventEnd, cancellationToken);
    }
}
