using System.Globalization;
using GraphQL;
using GraphQLParser.AST;
using Microsoft.AspNetCore.Http;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Pipeline;

namespace PartnerGraph.GraphQL.Transport.Http;

/// <summary>
/// GraphQL over HTTP (the GraphQL-over-HTTP specification): POST with application/json, GET for queries only,
/// responses as application/graphql-response+json or application/json with the status codes each asks for. The
/// operation runs through the pipeline, which puts it on record, answered or refused.
/// </summary>
public sealed class GraphQLHttpEndpoint(OperationPipeline pipeline, GraphQLRequestReader reader, HttpAnswers answers)
{
    public async Task HandleAsync(HttpContext http)
    {
        var mediaType = MediaTypes.Negotiate(http.Request.Headers.Accept);
        var outcome = await pipeline.RunAsync(
            new OperationCall(TransportKind.Http, HttpAnswers.Credential(http.Request), cancellationToken => ReadAsync(http, mediaType, cancellationToken))
            {
                RefuseOperation = HttpMethods.IsGet(http.Request.Method) ? QueriesOnly : null,
            },
            http.RequestAborted);
        if (outcome.Refusal is { } refusal)
        {
            await answers.WriteRefusalAsync(http, refusal, mediaType ?? MediaTypes.Json);
            return;
        }

        var result = outcome.Result!;

        // A request error (parse, validation, limits, variables) has no data: 400 where the client speaks graphql-response+json.
        // A database that cannot be reached is the server's failure, not the request's: 503, whatever the media type.
        var status = outcome.Unavailable ? StatusCodes.Status503ServiceUnavailable
            : mediaType == MediaTypes.GraphQLResponse && !result.Executed ? StatusCodes.Status400BadRequest
            : StatusCodes.Status200OK;
        if (outcome.Unavailable)
        {
            http.Response.Headers.RetryAfter = ((int)OperationPipeline.UnavailableRetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        await answers.WriteAsync(http, status, mediaType!, result);
    }

    private ValueTask<GraphQLRequest> ReadAsync(HttpContext http, string? mediaType, CancellationToken cancellationToken) =>
        mediaType is null
            ? throw new OperationRefusedException(406, ErrorCodes.NotAcceptable, $"This endpoint answers {MediaTypes.GraphQLResponse} or {MediaTypes.Json}; the Accept header allows neither.")
            : reader.ReadAsync(http.Request, cancellationToken);

    private static OperationRefusal? QueriesOnly(OperationType type) => type == OperationType.Query ? null
        : new OperationRefusal(405, ErrorCodes.MethodNotAllowed, $"A {type.ToString().ToLowerInvariant()} cannot be sent with GET; use POST.");
}

/// <summary>How GraphQL answers go over HTTP, for GraphQL over HTTP and for event streams refused before they start.</summary>
public sealed class HttpAnswers(IGraphQLTextSerializer serializer)
{
    /// <summary>The bearer token of the Authorization header, checked by the pipeline.</summary>
    public static BearerCredential Credential(HttpRequest request) => BearerCredential.FromAuthorization(request?.Headers.Authorization.ToString());

    /// <summary>A refusal as the status it carries, its headers (WWW-Authenticate, Retry-After, Allow) and one error with its code.</summary>
    public Task WriteRefusalAsync(HttpContext http, OperationRefusal refusal, string mediaType)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(refusal);
        if (refusal.Challenge is { } challenge)
        {
            http.Response.Headers.WWWAuthenticate = challenge;
        }

        if (refusal.RetryAfter is { } retryAfter)
        {
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (refusal.StatusCode == StatusCodes.Status405MethodNotAllowed)
        {
            http.Response.Headers.Allow = HttpMethods.IsGet(http.Request.Method) ? "POST" : "GET, POST";
        }

        return WriteAsync(http, refusal.StatusCode, mediaType, new ExecutionResult { Errors = [refusal.ToError()] });
    }

    public async Task WriteAsync(HttpContext http, int status, string mediaType, ExecutionResult result)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.StatusCode = status;
        http.Response.ContentType = mediaType + "; charset=utf-8";
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }
}
