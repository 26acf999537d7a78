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
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Transport.Http;

/// <summary>
/// GraphQL over HTTP (the GraphQL-over-HTTP specification): POST with application/json, GET for queries only,
/// responses as application/graphql-response+json or application/json with the status codes each asks for.
/// Every request, answered or refused, leaves one access log entry. It knows nothing of referrals or statistics.
/// </summary>
public sealed class GraphQLHttpEndpoint(
    IDocumentExecuter executer,
    SchemaCatalogue schemas,
    IGraphQLTextSerializer serializer,
    GraphQLRequestReader reader,
    DocumentCache documents,
    TrustedDocuments.TrustedDocumentStore trustedDocuments,
    CallerResolver callers,
    QueryLimitsRule limits,
    ClientRateLimiter rateLimiter,
    AccessLogWriter accessLog,
    IDbContextFactory<PartnerGraphDbContext> databases,
    TimeProvider clock,
    IOptions<GraphQLHttpOptions> options,
    IOptions<QueryLimitsOptions> limitOptions)
{
    public async Task HandleAsync(HttpContext http)
    {
        var started = Stopwatch.GetTimestamp();
        var at = clock.GetUtcNow().UtcDateTime;
        var mediaType = MediaTypes.Negotiate(http.Request.Headers.Accept);
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
            if (!rateLimiter.TryAcquire(caller.ClientId, out var retryAfter))
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
            var result = await ExecuteAsync(http, context, request, document = documents.Parse(request.Query));
            record = AccessRecord.Describe(document, request.OperationName, request.Query, result, request.Variables);
            record.CellsSuppressed = context.CellsSuppressed;
            await WriteAccessLogAsync(record, caller, at, started);

            // A request error (parse, validation, limits, variables) has no data: 400 where the client speaks graphql-response+json.
            var status = mediaType == MediaTypes.GraphQLResponse && !result.Executed ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
            await WriteAsync(http, status, mediaType, result);
        }
        catch (BadGraphQLRequestException bad)
        {
            record = AccessRecord.Refused(bad.Code, document, request?.OperationName, string.IsNullOrEmpty(request?.Query) ? null : request.Query);
            await WriteAccessLogAsync(record, caller, at, started);
            var error = new ExecutionError(bad.Message) { Code = bad.Code };
            await WriteAsync(http, bad.StatusCode, mediaType ?? MediaTypes.Json, new ExecutionResult { Errors = [error] });
        }
        catch (Exception) when (record is null)
        {
            // Whatever went wrong (a client gone, a database down), the attempt is on record before the error goes on.
            record = AccessRecord.Failed(ErrorCodes.InternalError, document, request?.OperationName, string.IsNullOrEmpty(request?.Query) ? null : request.Query);
            await WriteAccessLogAsync(record, caller, at, started);
            throw;
        }
    }

    /// <summary>The access log entry, and the same facts (outcome, first code, operation type, duration) as metrics.</summary>
    private async Task WriteAccessLogAsync(AccessRecord record, Caller? caller, DateTime at, long started)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        PartnerGraphTelemetry.RecordRequest(record.Outcome.ToString().ToUpperInvariant(), record.ErrorCodes?.Split(' ')[0], record.OperationType, elapsed);
        await accessLog.WriteAsync(record.ToEntry(caller, at, elapsed), CancellationToken.None);
    }

    private async Task<ExecutionResult> ExecuteAsync(HttpContext http, RequestContext context, GraphQLRequest request, GraphQLDocument? document)
    {
        var operation = document is null ? null : OperationOf(document, request.OperationName);
        if (operation == OperationType.Subscription)
        {
            // A request error, not data: null. The streaming transports serve subscriptions; this one cannot carry events.
            return new ExecutionResult
            {
                Errors = [new ExecutionError("A subscription cannot be answered by a single HTTP response; it needs a stream (WebSocket with graphql-transport-ws, or Server-Sent Events).") { Code = ErrorCodes.SubscriptionRequiresStream }],
            };
        }

        if (HttpMethods.IsGet(http.Request.Method) && operation is not null and not OperationType.Query)
        {
            http.Response.Headers.Allow = "POST";
            throw new BadGraphQLRequestException(405, ErrorCodes.MethodNotAllowed, $"A {operation.Value.ToString().ToLowerInvariant()} cannot be sent with GET; use POST.");
        }

        var schema = schemas.For(context.Caller.Scopes);

        // Measured before validation: the core rules themselves are slow on hostile documents (10,000 aliases).
        using (var measuring = PartnerGraphTelemetry.Source.StartActivity("graphql.limits"))
        {
            if (document is not null && limits.FindLimitPassed(schema, document, request.OperationName, request.Variables) is { } tooMuch)
            {
                measuring?.SetTag("error.code", tooMuch.Code);
                return new ExecutionResult { Errors = [tooMuch] };
            }
        }

        return await executer.ExecuteAsync(new ExecutionOptions
        {
            Schema = schema,
            Query = request.Query,
            Document = document,
            OperationName = request.OperationName,
            Variables = request.Variables,
            Extensions = request.Extensions,
            RequestServices = http.RequestServices,
            User = http.User,
            UserContext = context,
            ValidationRules = DocumentValidator.CoreRules.Append(limits),
            Timeout = TimeSpan.FromSeconds(limitOptions.Value.ExecutionTimeoutSeconds),
            TimeoutAction = TimeoutAction.ReturnTimeoutError,
            CancellationToken = http.RequestAborted,
        });
    }

    /// <summary>The type of the operation that would run, or null when the executer must report the document's problem.</summary>
    private static OperationType? OperationOf(GraphQLDocument document, string? operationName)
    {
        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        var operation = operationName is null
            ? (operations.Count == 1 ? operations[0] : null)
            : operations.FirstOrDefault(o => o.Name?.StringValue == operationName);
        return operation?.Operation;
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
        services.AddSingleton<ClientRateLimiter>();
        services.AddSingleton<GraphQLRequestReader>();
        services.AddSingleton<DocumentCache>();
        services.AddOptions<TrustedDocuments.TrustedDocumentOptions>().BindConfiguration(TrustedDocuments.TrustedDocumentOptions.Section);
        services.AddSingleton<TrustedDocuments.TrustedDocumentStore>();
        services.AddSingleton<GraphQLHttpEndpoint>();
        return services;
    }

    public static IEndpointConventionBuilder MapGraphQLHttp(this IEndpointRouteBuilder endpoints, string pattern = "/graphql") =>
        endpoints.Map(pattern, http => http.RequestServices.GetRequiredService<GraphQLHttpEndpoint>().HandleAsync(http));
}
