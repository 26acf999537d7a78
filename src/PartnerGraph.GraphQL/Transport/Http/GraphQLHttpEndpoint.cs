using System.Text.Json;
using GraphQL;
using GraphQL.Types;
using GraphQLParser.AST;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartnerGraph.Data;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.GraphQL.Transport.Http;

/// <summary>
/// GraphQL over HTTP (the GraphQL-over-HTTP specification): POST with application/json, GET for queries only,
/// responses as application/graphql-response+json or application/json with the status codes each asks for.
/// It knows nothing of referrals or statistics.
/// </summary>
public sealed class GraphQLHttpEndpoint(
    IDocumentExecuter executer,
    ISchema schema,
    IGraphQLTextSerializer serializer,
    GraphQLRequestReader reader,
    DocumentCache documents,
    CallerResolver callers,
    IDbContextFactory<PartnerGraphDbContext> databases,
    IOptions<GraphQLHttpOptions> options)
{
    public async Task HandleAsync(HttpContext http)
    {
        var mediaType = MediaTypes.Negotiate(http.Request.Headers.Accept);
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

            var caller = callers.Resolve(http);
            if (caller is null)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                throw new BadGraphQLRequestException(401, ErrorCodes.Unauthenticated, "This request carries no credentials this server accepts.");
            }

            var request = HttpMethods.IsGet(http.Request.Method)
                ? reader.ReadGet(http.Request.Query)
                : await reader.ReadPostAsync(http.Request, options.Value.MaxRequestBytes, http.RequestAborted);

            var document = documents.Parse(request.Query);
            if (document is not null && HttpMethods.IsGet(http.Request.Method) && OperationOf(document, request.OperationName) is { } operation and not OperationType.Query)
            {
                http.Response.Headers.Allow = "POST";
                throw new BadGraphQLRequestException(405, ErrorCodes.MethodNotAllowed, $"A {operation.ToString().ToLowerInvariant()} cannot be sent with GET; use POST.");
            }

            var result = await executer.ExecuteAsync(new ExecutionOptions
            {
                Schema = schema,
                Query = request.Query,
                Document = document,
                OperationName = request.OperationName,
                Variables = request.Variables,
                Extensions = request.Extensions,
                RequestServices = http.RequestServices,
                User = http.User,
                UserContext = new RequestContext(caller, databases),
                CancellationToken = http.RequestAborted,
            });

            // A request error (parse, validation, variables) has no data: 400 where the client speaks graphql-response+json.
            var status = mediaType == MediaTypes.GraphQLResponse && !result.Executed ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
            await WriteAsync(http, status, mediaType, result);
        }
        catch (BadGraphQLRequestException bad)
        {
            var error = new ExecutionError(bad.Message) { Code = bad.Code };
            await WriteAsync(http, bad.StatusCode, mediaType ?? MediaTypes.Json, new ExecutionResult { Errors = [error] });
        }
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
        services.AddSingleton<GraphQLRequestReader>();
        services.AddSingleton<DocumentCache>();
        services.AddSingleton<CallerResolver>();
        services.AddSingleton<GraphQLHttpEndpoint>();
        return services;
    }

    public static IEndpointConventionBuilder MapGraphQLHttp(this IEndpointRouteBuilder endpoints, string pattern = "/graphql") =>
        endpoints.Map(pattern, http => http.RequestServices.GetRequiredService<GraphQLHttpEndpoint>().HandleAsync(http));
}
