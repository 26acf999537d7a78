using System.Diagnostics;
using System.Globalization;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartnerGraph.Data;
using PartnerGraph.GraphQL.Audit;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Transport.Sse;
using PartnerGraph.GraphQL.Transport.WebSockets;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Transport.Http;

/// <summary>
/// GraphQL over HTTP (the GraphQL-over-HTTP specification): POST with application/json, GET for queries only,
/// responses as application/graphql-response+json or application/json with the status codes each asks for.
/// Every request, answered or refused, leaves one access log entry. It knows nothing of referrals or statistics.
/// </summary>
public sealed class GraphQLHttpEndpoint(
    GraphQLRunner runner,
    GraphQLSseTransport sse,
    IGraphQLTextSerializer serializer,
    GraphQLRequestReader reader,
    TrustedDocuments.TrustedDocumentStore trustedDocuments,
    CallerResolver callers,
    ClientRateLimiter rateLimiter,
    AccessLogWriter accessLog,
    IDbContextFactory<PartnerGraphDbContext> databases,
    TimeProvider clock,
    IOptions<GraphQLHttpOptions> options)
{
    public async Task HandleAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        var at = clock.GetUtcNow().UtcDateTime;
        var streaming = GraphQLSseTransport.IsRequested(http.Request);
        var mediaType = streaming ? MediaTypes.Json : MediaTypes.Negotiate(http.Request.Headers.Accept);
        Caller? caller = null;
        GraphQLRequest? request = null;
        GraphQLDocument? document = null;
        AccessRecord? record = null;
        try
        {
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsPost(http.Request.Method))
            {
                http.Response.Headers.Allow = "GET, POST";
                throw new BadGraphQLRequestException(405, ErrorCodes.MethodNotAllowed, "Use POST, or GET for queries.");
            }

            if (mediaType is null)
            {
                throw new BadGraphQLRequestException(406, ErrorCodes.NotAcceptable, $"This endpoint answers {MediaTypes.GraphQLResponse} or {MediaTypes.Json}; the Accept header allows neither.");
            }

            // Authentication comes before any GraphQL work.
            var resolution = await callers.ResolveAsync(http);
            if (resolution.Caller is null)
            {
                http.Response.Headers.WWWAuthenticate = resolution.Challenge;
                throw new BadGraphQLRequestException(401, resolution.ErrorCode!, resolution.Description!);
            }

            caller = resolution.Caller;
            // Analysts share the IDE's client id, so each person has a bucket of their own.
            if (!rateLimiter.TryAcquire(caller.PersonId is null ? caller.ClientId : "person:" + caller.PersonId, out var retryAfter))
            {
                var seconds = (int)Math.Ceiling(retryAfter.TotalSeconds);
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                throw new BadGraphQLRequestException(429, ErrorCodes.RateLimited, $"This client sent too many requests; try again in {seconds} s.");
            }

            request = HttpMethods.IsGet(http.Request.Method)
                ? reader.ReadGet(http.Request.Query)
                : await reader.ReadPostAsync(http.Request, options.Value.MaxRequestBytes, http.RequestAborted);
            request = await trustedDocuments.ResolveAsync(request, caller, http.RequestAborted);

            var context = new RequestContext(caller, databases, clock);
            if (streaming)
            {
                // Server-Sent Events (graphql-sse): past authentication, every answer is an event on the stream.
                var outcome = await sse.StreamAsync(http, context, request, CallerResolver.BearerToken(http.Request.Headers.Authorization.ToString())!);
                record = AccessRecord.Describe(outcome.Document, request.OperationName, request.Query, outcome.Result, request.Variables);
                await accessLog.WriteAsync(record.ToEntry(caller, at, Stopwatch.GetElapsedTime(started)), CancellationToken.None);
                return;
            }

            var result = await ExecuteAsync(http, context, request, document = runner.Parse(request));
            record = AccessRecord.Describe(document, request.OperationName, request.Query, result, request.Variables);
            record.CellsSuppressed = context.CellsSuppressed;
            await WriteAccessLogAsync(record, caller, at, started);

            // A request error (parse, validation, limits, variables) has no data: 400 where the client speaks graphql-response+json.
            // A database that cannot be reached is the server's failure, not the request's: 503, whatever the media type.
            var status = DatabaseUnavailable(result) ? StatusCodes.Status503ServiceUnavailable
                : mediaType == MediaTypes.GraphQLResponse && !result.Executed ? StatusCodes.Status400BadRequest
                : StatusCodes.Status200OK;
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                http.Response.Headers.RetryAfter = RetryAfterSeconds;
            }

            await WriteAsync(http, status, mediaType, result);
        }
        catch (BadGraphQLRequestException bad)
        {
            record = AccessRecord.Refused(bad.Code, document, request?.OperationName, string.IsNullOrEmpty(request?.Query) ? null : request.Query);
            await WriteAccessLogAsync(record, caller, at, started);
            var error = new ExecutionError(bad.Message) { Code = bad.Code };
            await WriteAsync(http, bad.StatusCode, mediaType ?? MediaTypes.Json, new ExecutionResult { Errors = [error] });
        }
        catch (Exception e) when (record is null && DatabaseAvailability.IsUnavailable(e) && !http.Response.HasStarted)
        {
            // The database went away before execution (the caller's client status, a registered document): the same
            // 503 and code as when a resolver meets it, and nothing of the exception.
            record = AccessRecord.Failed(ErrorCodes.DatabaseUnavailable, document, request?.OperationName, string.IsNullOrEmpty(request?.Query) ? null : request.Query);
            await WriteAccessLogAsync(record, caller, at, started);
            http.Response.Headers.RetryAfter = RetryAfterSeconds;
            var error = new ExecutionError(PartnerGraphErrorInfoProvider.DatabaseUnavailableMessage) { Code = ErrorCodes.DatabaseUnavailable };
            await WriteAsync(http, StatusCodes.Status503ServiceUnavailable, mediaType ?? MediaTypes.Json, new ExecutionResult { Errors = [error] });
        }
        catch (Exception) when (record is null)
        {
            // Whatever went wrong (a client gone, a database down), the attempt is on record before the error goes on.
            record = AccessRecord.Failed(ErrorCodes.InternalError, document, request?.OperationName, string.IsNullOrEmpty(request?.Query) ? null : request.Query);
            await WriteAccessLogAsync(record, caller, at, started);
            throw;
        }
    }

    private const string RetryAfterSeconds = "5";

    private static bool DatabaseUnavailable(ExecutionResult result) =>
        result.Errors?.Any(e => e is UnhandledError { InnerException: var inner } && DatabaseAvailability.IsUnavailable(inner)) == true;

    /// <summary>The access log entry, and the same facts (outcome, first code, operation type, duration) as metrics.</summary>
    private async Task WriteAccessLogAsync(AccessRecord record, Caller? caller, DateTime at, long started)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        PartnerGraphTelemetry.RecordRequest(record.Outcome.ToString().ToUpperInvariant(), record.ErrorCodes?.Split(' ')[0], record.OperationType, elapsed);
        await accessLog.WriteAsync(record.ToEntry(caller, at, elapsed), CancellationToken.None);
    }

    private async Task<ExecutionResult> ExecuteAsync(HttpContext http, RequestContext context, GraphQLRequest request, GraphQLDocument? document)
    {
        var operation = document is null ? null : GraphQLRunner.OperationOf(document, request.OperationName);
        if (HttpMethods.IsGet(http.Request.Method) && operation is { } type and not OperationType.Query)
        {
            http.Response.Headers.Allow = "POST";
            throw new BadGraphQLRequestException(405, ErrorCodes.MethodNotAllowed, $"A {type.ToString().ToLowerInvariant()} cannot be sent with GET; use POST.");
        }

        var result = await runner.ExecuteAsync(context, request, document, http.RequestServices, http.RequestAborted);
        if (result.Streams is not null)
        {
            // Validated, and never listened to: a subscription's result is a stream, which a plain response cannot carry.
            return new ExecutionResult { Errors = [new ExecutionError("A subscription needs a stream: open a WebSocket (graphql-transport-ws) at /graphql, or POST with Accept: text/event-stream (graphql-sse).") { Code = ErrorCodes.SubscriptionRequiresStream }] };
        }

        return result;
    }

    private async Task WriteAsync(HttpContext http, int status, string mediaType, ExecutionResult result)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = mediaType + "; charset=utf-8";
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }
}

public static class GraphQLHttpEndpointExtensions
{
    public static IServiceCollection AddPartnerGraphHttpTransport(this IServiceCollection services)
    {
        services.AddOptions<GraphQLHttpOptions>().BindConfiguration(GraphQLHttpOptions.Section);
        services.AddOptions<QueryLimitsOptions>().BindConfiguration(QueryLimitsOptions.Section);
        services.AddSingleton<QueryLimitsRule>();
        services.AddSingleton<GraphQLRunner>();
        services.AddSingleton<SubscriptionFanOut>();
        services.AddSingleton<CallerWatch>();
        services.AddOptions<GraphQLSseOptions>().BindConfiguration(GraphQLSseOptions.Section)
            .Validate(o => SendPacer.IsValid(o.SendIntervalMilliseconds), $"{GraphQLSseOptions.Section}:SendIntervalMilliseconds: {SendPacer.ValidRange}").ValidateOnStart();
        services.AddSingleton<GraphQLSseTransport>();
        services.AddOptions<GraphQLWsOptions>().BindConfiguration(GraphQLWsOptions.Section)
            .Validate(o => SendPacer.IsValid(o.SendIntervalMilliseconds), $"{GraphQLWsOptions.Section}:SendIntervalMilliseconds: {SendPacer.ValidRange}").ValidateOnStart();
        services.AddSingleton<GraphQLWsTransport>();
        services.AddSingleton<ClientRateLimiter>();
        services.AddSingleton<GraphQLRequestReader>();
        services.AddSingleton<DocumentCache>();
        services.AddOptions<TrustedDocuments.TrustedDocumentOptions>().BindConfiguration(TrustedDocuments.TrustedDocumentOptions.Section);
        services.AddSingleton<TrustedDocuments.TrustedDocumentStore>();
        services.AddSingleton<GraphQLHttpEndpoint>();
        return services;
    }

    public static IEndpointConventionBuilder MapGraphQLHttp(this IEndpointRouteBuilder endpoints, string pattern = "/graphql") =>
        endpoints.Map(pattern, http => GraphQLWsTransport.IsRequested(http)
            ? http.RequestServices.GetRequiredService<GraphQLWsTransport>().HandleAsync(http)
            : http.RequestServices.GetRequiredService<GraphQLHttpEndpoint>().HandleAsync(http));
}
