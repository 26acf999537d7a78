using System.Runtime.CompilerServices;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Transport.Http;

namespace PartnerGraph.GraphQL.Transport;

/// <summary>
/// The one way every transport runs a GraphQL request for a caller: the caller's schema, the limits measured before
/// validation, the execution with its timeout. Subscriptions come back as shared streams of serialised results.
/// </summary>
public sealed class GraphQLRunner(
    IDocumentExecuter executer,
    SchemaCatalogue schemas,
    DocumentCache documents,
    QueryLimitsRule limits,
    SubscriptionFanOut fanOut,
    IOptions<QueryLimitsOptions> limitOptions)
{
    private readonly ConditionalWeakTable<GraphQLDocument, ValidatedSchemas> validated = new();

    /// <summary>Parses (from the cache) a request's document; null when it does not parse, and the executer reports why.</summary>
    public GraphQLDocument? Parse(GraphQLRequest request) => documents.Parse(request.Query);

    /// <summary>Runs a query or mutation, or starts a subscription (its result then carries Streams, not yet listened to).</summary>
    public async Task<ExecutionResult> ExecuteAsync(RequestContext context, GraphQLRequest request, GraphQLDocument? document, IServiceProvider services, CancellationToken cancellationToken)
    {
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

        // Every value sent passes the personal-data guard before anything runs (and before validation quotes any).
        if (PersonalDataInRequest.Find(document, request.Variables) is { Count: > 0 } personalData)
        {
            return new ExecutionResult { Errors = [.. personalData] };
        }

        var streaming = document is not null && OperationOf(document, request.OperationName) == OperationType.Subscription;
        var validatedBefore = document is not null && validated.TryGetValue(document, out var passed) && passed.Contain(schema, request.OperationName);
        var result = await executer.ExecuteAsync(new ExecutionOptions
        {
            Schema = schema,
            Query = request.Query,
            Document = document,
            OperationName = request.OperationName,
            Variables = request.Variables,
            Extensions = request.Extensions,
            RequestServices = services,
            UserContext = context,
            // The limits are measured above. A document this schema has found valid needs no second look: only its
            // variables and arguments, which the executer reads and checks on every request whatever the rules.
            ValidationRules = validatedBefore ? [] : DocumentValidator.CoreRules,

            // A subscription lives as long as its subscriber; the timeout bounds the work of answering, not the wait.
            Timeout = streaming ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(limitOptions.Value.ExecutionTimeoutSeconds),
            TimeoutAction = TimeoutAction.ReturnTimeoutError,
            CancellationToken = cancellationToken,
        }).ConfigureAwait(false);
        if (!validatedBefore && result.Executed && document is not null)
        {
            validated.GetOrCreateValue(document).Add(schema, request.OperationName);
        }

        return result;
    }

    /// <summary>
    /// Runs any operation for a streaming transport: a single result for queries and mutations and for requests that
    /// fail before a stream exists; for a subscription, a stream of serialised results shared with every subscriber of
    /// the same document, variables, organisation and scopes, so each event is executed once for all of them.
    /// </summary>
    public async Task<OperationOutcome> RunAsync(RequestContext context, GraphQLRequest request, IServiceProvider services, CancellationToken cancellationToken)
    {
        var document = Parse(request);
        if (document is not null && OperationOf(document, request.OperationName) == OperationType.Subscription && fanOut.TryJoin(context, request, document) is { } joined)
        {
            return new OperationOutcome(null, joined, document);
        }

        var result = await ExecuteAsync(context, request, document, services, cancellationToken).ConfigureAwait(false);
        if (result.Streams is { Count: > 0 } streams)
        {
            return new OperationOutcome(result, fanOut.Start(context, request, document!, streams.Values.Single()), document);
        }

        return new OperationOutcome(result, null, document);
    }

    /// <summary>The type of the operation that would run, or null when the executer must report the document's problem.</summary>
    public static OperationType? OperationOf(GraphQLDocument document, string? operationName) =>
        SelectedOperation.Of(document, operationName)?.Operation;
}

/// <summary>The (schema, operation) pairs a parsed document passed validation for; it lives as long as the document is cached.</summary>
internal sealed class ValidatedSchemas
{
    private readonly Lock gate = new();
    private readonly HashSet<(ISchema Schema, string? Operation)> passed = [];

    public bool Contain(ISchema schema, string? operationName)
    {
        lock (gate)
        {
            return passed.Contains((schema, operationName));
        }
    }

    public void Add(ISchema schema, string? operationName)
    {
        lock (gate)
        {
            passed.Add((schema, operationName));
        }
    }
}

/// <summary>What running an operation gave: a result (possibly errors only), a stream of results, or both (the stream's opening result).</summary>
public sealed record OperationOutcome(ExecutionResult? Result, Subscriber? Stream, GraphQLDocument? Document);
