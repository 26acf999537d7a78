using System.Text;
using GraphQL;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Transport.Http;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Transport.Sse;

public sealed class GraphQLSseOptions
{
    public const string Section = "GraphQL:Sse";

    /// <summary>How often an idle stream gets a comment line, so proxies keep it open; 0 turns it off.</summary>
    public double KeepAliveSeconds { get; set; } = 15;

    /// <summary>How often the token of a stream is checked again (and at its expiry).</summary>
    public double AuthorizationCheckSeconds { get; set; } = 30;

    /// <summary>
    /// The shortest time between two writes of one subscription's events, in milliseconds: events that come sooner wait
    /// and go out together in one write (the first after a quiet spell goes at once); 0 writes each as it comes.
    /// </summary>
    public double SendIntervalMilliseconds { get; set; } = 50;
}

/// <summary>
/// GraphQL over Server-Sent Events, the graphql-sse protocol's distinct connections mode: one request, one stream of
/// next events and a complete event. Errors found before execution arrive as a next event too (the protocol asks it,
/// so that EventSource clients can read them). The token comes in the Authorization header, as for any HTTP request.
/// </summary>
public sealed class GraphQLSseTransport(GraphQLRunner runner, CallerWatch watch, IGraphQLTextSerializer serializer, TimeProvider clock, IOptions<GraphQLSseOptions> options)
{
    public const string EventStream = "text/event-stream";

    private static readonly byte[] Complete = "event: complete\ndata: \n\n"u8.ToArray();
    private static readonly byte[] NextStart = "event: next\ndata: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] KeepAlive = ":\n\n"u8.ToArray();

    /// <summary>Whether the client asks for an event stream (and for nothing it prefers to it).</summary>
    public static bool IsRequested(HttpRequest request) =>
        MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
        && accepted.Any(a => a.MediaType.Equals(EventStream, StringComparison.OrdinalIgnoreCase) && a.Quality is not 0);

    /// <summary>Runs the request and streams its results; returns what ran, for the access log.</summary>
    public async Task<OperationOutcome> StreamAsync(HttpContext http, RequestContext context, GraphQLRequest request, string token)
    {
        var cancellationToken = http.RequestAborted;
        var outcome = await runner.RunAsync(context, request, http.RequestServices, cancellationToken);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = EventStream + "; charset=utf-8";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var body = http.Response.Body;
        if (outcome.Stream is not { } stream)
        {
            await WriteNextAsync(body, Encoding.UTF8.GetBytes(serializer.Serialize(outcome.Result)), cancellationToken);
            await body.WriteAsync(Complete, cancellationToken);
            return outcome;
        }

        using (stream)
        using (var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            await http.Response.StartAsync(cancellationToken);
            await body.FlushAsync(cancellationToken);
            var pacer = new SendPacer(TimeSpan.FromMilliseconds(options.Value.SendIntervalMilliseconds), clock);
            var refused = watch.UntilRefusedAsync(token, context.Caller, TimeSpan.FromSeconds(options.Value.AuthorizationCheckSeconds), ended.Token);
            try
            {
                while (true)
                {
                    var next = stream.Results.WaitToReadAsync(ended.Token).AsTask();
                    var keepAlive = options.Value.KeepAliveSeconds > 0 ? Task.Delay(TimeSpan.FromSeconds(options.Value.KeepAliveSeconds), clock, ended.Token) : Task.Delay(Timeout.Infinite, ended.Token);
                    var first = await Task.WhenAny(next, keepAlive, refused);
                    if (first == refused)
                    {
                        var refusal = await refused;
                        var error = new ExecutionResult { Errors = [new ExecutionError(refusal.Description ?? "The token no longer holds.") { Code = refusal.ErrorCode }] };
                        await WriteNextAsync(body, Encoding.UTF8.GetBytes(serializer.Serialize(error)), cancellationToken);
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
                        await stream.Results.Completion; // throws when the subscriber fell too far behind
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

        return outcome;
    }

    private static async Task WriteNextAsync(Stream body, ReadOnlyMemory<byte> result, CancellationToken cancellationToken)
    {
        await body.WriteAsync(NextStart, cancellationToken);
        await body.WriteAsync(result, cancellationToken);
        await body.WriteAsync(EventEnd, cancellationToken);
    }
}
