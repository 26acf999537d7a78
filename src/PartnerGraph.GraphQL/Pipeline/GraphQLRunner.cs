using System.Runtime.CompilerServices;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.GraphQL.Pipeline;

/// <summary>
/// The run step of the pipeline: validation and execution of a parsed document against the caller's schema, with the
/// execution timeout. The limits are measured before (see QueryLimits); a subscription's stream is shared after (see
/// SubscriptionFanOut).
/// </summary>
public sealed class GraphQLRunner(IDocumentExecuter executer, IDocumentValidator validator, IServiceProvider services, IOptions<QueryLimitsOptions> limits)
{
    private readonly ConditionalWeakTable<GraphQLDocument, ValidatedSchemas> validated = new();

    /// <summary>How long answering one request may take.</summary>
    public TimeSpan ExecutionTimeout => TimeSpan.FromSeconds(limits.Value.ExecutionTimeoutSeconds);

    /// <summary>Runs a query or mutation, or starts a subscription (its result then carries Streams, not yet listened to).</summary>
    public async Task<ExecutionResult> ExecuteAsync(ISchema schema, IDictionary<string, object?> userContext, GraphQLRequest request, GraphQLDocument? document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(request);
        var streaming = document is not null && SelectedOperation.Of(document, request.OperationName)?.Operation == OperationType.Subscription;
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
            UserContext = userContext,

            // A document this schema has found valid needs no second look: only its variables and arguments, which the
            // executer reads and checks on every request whatever the rules.
            ValidationRules = validatedBefore ? [] : DocumentValidator.CoreRules,

            // A subscription lives as long as its subscriber; the timeout bounds the work of answering, not the wait.
            Timeout = streaming ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(limits.Value.ExecutionTimeoutSeconds),
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
    /// The first error that would stop the operation before it runs against the schema (no root for its type, or a
    /// validation error), or null when it would run: a live subscription's check after its client's scopes changed.
    /// </summary>
    public async Task<ExecutionError?> FindValidationErrorAsync(ISchema schema, GraphQLRequest request, GraphQLDocument document)
    {
        ArgumentNullException.ThrowIfNull(request);
        var operation = SelectedOperation.Of(document, request.OperationName)!;
        if (RootOf(schema, operation.Operation) is null)
        {
            // The executer, not validation, refuses an operation type the schema has no root for (the caller lost every field of it).
            return new InvalidOperationError($"Schema is not configured for {operation.Operation.ToString().ToLowerInvariant()} operations.");
        }

        if (validated.TryGetValue(document, out var passed) && passed.Contain(schema, request.OperationName))
        {
            return null;
        }

        var result = await validator.ValidateAsync(new ValidationOptions
        {
            Schema = schema,
            Document = document,
            Operation = operation,
            Rules = DocumentValidator.CoreRules,
            Variables = request.Variables ?? Inputs.Empty,
            Extensions = request.Extensions ?? Inputs.Empty,
            UserContext = new Dictionary<string, object?>(),
            RequestServices = services,
        }).ConfigureAwait(false);
        return result.Errors.FirstOrDefault();
    }

    private static IObjectGraphType? RootOf(ISchema schema, OperationType type) => type switch
    {
        OperationType.Query => schema.Query,
        OperationType.Mutation => schema.Mutation,
        _ => schema.Subscription,
    };
}

/// <summary>
/// The (schema, operation) pairs a parsed document passed validation for; it lives as long as the document is cached.
/// Read by every request of the document at once (32 connections sending one document contended for a lock here), and
/// written once per schema and operation: readers see an immutable array, a writer replaces it.
/// </summary>
internal sealed class ValidatedSchemas
{
    private readonly Lock gate = new();
    private volatile (ISchema Schema, string? Operation)[] passed = [];

    public bool Contain(ISchema schema, string? operationName)
    {
        foreach (var (passedSchema, operation) in passed)
        {
            if (ReferenceEquals(passedSchema, schema) && operation == operationName)
            {
                return true;
            }
        }

        return false;
    }

    public void Add(ISchema schema, string? operationName)
    {
        lock (gate)
        {
            if (!Contain(schema, operationName))
            {
                passed = [.. passed, (schema, operationName)];
            }
        }
    }
}
