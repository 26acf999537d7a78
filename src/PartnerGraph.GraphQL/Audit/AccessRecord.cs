using System.Collections;
using System.Security.Cryptography;
using System.Text;
using GraphQL;
using GraphQL.Execution;
using GraphQLParser.AST;
using PartnerGraph.Domain.Audit;
using PartnerGraph.Domain.PersonalData;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Audit;

/// <summary>
/// What the access log says about one request, built from what the endpoint knows: the operation, the datasets
/// and dimensions it asked for, how many items it got, and the outcome. Never the values of variables, never the
/// text of the document (only its SHA-256).
/// </summary>
public sealed class AccessRecord
{
    // The column sizes of the AccessLog table; longer lists keep their first whole items.
    private const int MaxNameLength = 200;
    private const int MaxDatasetsLength = 200;
    private const int MaxListLength = 400;
    private const int MaxDimensionLength = 64;

    private static readonly Dictionary<string, string> DatasetsByRootField = new(StringComparer.Ordinal)
    {
        ["referral"] = "referrals",
        ["referrals"] = "referrals",
        ["referralStatusChanged"] = "referrals",
        ["createReferral"] = "referrals",
        ["acknowledgeReferral"] = "referrals",
        ["acceptReferral"] = "referrals",
        ["declineReferral"] = "referrals",
        ["startReferralService"] = "referrals",
        ["completeReferral"] = "referrals",
        ["withdrawReferral"] = "referrals",
        ["caseStatistics"] = "statistics",
        ["recordCase"] = "cases",
        ["programmes"] = "coverage",
        ["programmeCoverage"] = "coverage",
        ["submitCoverageReport"] = "coverage",
        ["approveCoverageReport"] = "coverage",
        ["returnCoverageReport"] = "coverage",
        ["coverageGaps"] = "statistics coverage",
        ["accessLog"] = "audit",
    };

    // A connection answers its items as nodes or edges; caseStatistics answers its rows as cells.
    private static readonly string[] ItemLists = ["nodes", "edges", "cells"];

    private AccessRecord()
    {
    }

    public string? OperationName { get; private init; }

    /// <summary>query, mutation or subscription; null when no operation of the document would run.</summary>
    public string? OperationType { get; private init; }

    /// <summary>SHA-256 of the UTF-8 document text, lowercase hex.</summary>
    public string? DocumentHash { get; private init; }

    /// <summary>The datasets the operation's root fields read or write, sorted, space separated; null when none.</summary>
    public string? Datasets { get; private init; }

    /// <summary>The values of the groupBy arguments of the root fields, space separated; null when none.</summary>
    public string? Dimensions { get; private init; }

    public int RowsReturned { get; private init; }

    public AccessOutcome Outcome { get; private init; }

    /// <summary>The distinct extensions.code values of the errors, space separated; null when none.</summary>
    public string? ErrorCodes { get; private init; }

    /// <summary>
    /// Describes a request that reached the executer. Allowed when the result has no errors, Refused when it was not
    /// executed (parse, validation, variables) or there is no result, Failed when it was executed with errors.
    /// Variables are read only for the enum values of groupBy, and only once execution has validated them.
    /// </summary>
    public static AccessRecord Describe(GraphQLDocument? document, string? operationName, string? queryText, ExecutionResult? result, Inputs? variables = null)
    {
        var outcome = result is null || !result.Executed ? AccessOutcome.Refused
            : result.Errors is { Count: > 0 } ? AccessOutcome.Failed
            : AccessOutcome.Allowed;
        var codes = result?.Errors?.Select(e => e is UnhandledError u ? (PartnerGraph.Data.DatabaseAvailability.IsUnavailable(u.InnerException) ? Common.ErrorCodes.DatabaseUnavailable : Common.ErrorCodes.InternalError) : e.Code).OfType<string>() ?? [];
        return Create(document, operationName, queryText, result is { Executed: true } ? result : null, variables, outcome, codes);
    }

    /// <summary>A request refused before execution (401, 403, 405, 406, 413, 415, 429...), with what was read of it, if anything.</summary>
    public static AccessRecord Refused(string errorCode, GraphQLDocument? document = null, string? operationName = null, string? queryText = null) =>
        Create(document, operationName, queryText, null, null, AccessOutcome.Refused, [errorCode]);

    /// <summary>A request whose execution ended in an exception the executer did not turn into a result.</summary>
    public static AccessRecord Failed(string errorCode, GraphQLDocument? document = null, string? operationName = null, string? queryText = null) =>
        Create(document, operationName, queryText, null, null, AccessOutcome.Failed, [errorCode]);

    /// <summary>
    /// The row of the access log: this record, who asked (null when no caller was resolved), when and how long, and what
    /// disclosure control did to the answer (none when the request never ran).
    /// </summary>
    public AccessLogEntry ToEntry(Caller? caller, DateTime at, TimeSpan duration, DisclosureAccount? disclosure = null) => new()
    {
        At = at.Kind == DateTimeKind.Utc ? at : at.ToUniversalTime(),
        ClientId = caller?.ClientId,
        OrganisationId = caller?.OrganisationId,
        PersonId = caller?.PersonId,
        OperationName = OperationName,
        OperationType = OperationType,
        DocumentHash = DocumentHash,
        Datasets = Datasets,
        Dimensions = Dimensions,
        RowsReturned = RowsReturned,
        CellsSuppressed = disclosure?.CellsSuppressed ?? 0,
        MicroRhoCharged = disclosure?.MicroRhoCharged ?? 0,
        MicroRhoRemaining = disclosure?.MicroRhoRemaining,
        DurationMs = (int)Math.Clamp(Math.Round(duration.TotalMilliseconds), 0, int.MaxValue),
        Outcome = Outcome,
        ErrorCodes = ErrorCodes,
    };

    /// <summary>SHA-256 of the UTF-8 text, lowercase hex; null for no text.</summary>
    public static string? Hash(string? text) =>
        text is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static AccessRecord Create(GraphQLDocument? document, string? operationName, string? queryText, ExecutionResult? executed, Inputs? variables, AccessOutcome outcome, IEnumerable<string> codes)
    {
        var operation = document is null ? null : SelectedOperation.Of(document, operationName);
        var rootFields = new List<GraphQLField>();
        if (operation is not null)
        {
            CollectRootFields(document!, operation.SelectionSet, rootFields, new HashSet<string>(StringComparer.Ordinal));
        }

        return new AccessRecord
        {
            OperationName = Recordable(operation?.Name?.StringValue ?? (IsName(operationName) ? operationName : null)),
            OperationType = operation?.Operation.ToString().ToLowerInvariant(),
            DocumentHash = Hash(queryText),
            Datasets = Join(rootFields.Select(f => DatasetsByRootField.GetValueOrDefault(f.Name.StringValue)).OfType<string>()
                .SelectMany(d => d.Split(' ')).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal), MaxDatasetsLength),
            // An unexecuted request's enum values were never validated, so they could be anything.
            Dimensions = executed is null ? null : Join(rootFields.SelectMany(f => GroupBy(f, operation!, variables)).Distinct(StringComparer.Ordinal), MaxListLength),
            RowsReturned = executed is null ? 0 : Rows(executed.Data),
            Outcome = outcome,
            ErrorCodes = Join(codes.Distinct(StringComparer.Ordinal), MaxListLength),
        };
    }

    /// <summary>The root fields of a selection set, through inline fragments and fragment spreads (each spread once).</summary>
    private static void CollectRootFields(GraphQLDocument document, GraphQLSelectionSet selectionSet, List<GraphQLField> fields, HashSet<string> spread)
    {
        foreach (var selection in selectionSet.Selections)
        {
            switch (selection)
            {
                case GraphQLField field:
                    fields.Add(field);
                    break;
                case GraphQLInlineFragment inline:
                    CollectRootFields(document, inline.SelectionSet, fields, spread);
                    break;
                case GraphQLFragmentSpread fragmentSpread when spread.Add(fragmentSpread.FragmentName.Name.StringValue):
                    var definition = document.Definitions.OfType<GraphQLFragmentDefinition>()
                        .FirstOrDefault(d => d.FragmentName.Name.StringValue == fragmentSpread.FragmentName.Name.StringValue);
                    if (definition is not null)
                    {
                        CollectRootFields(document, definition.SelectionSet, fields, spread);
                    }

                    break;
            }
        }
    }

    /// <summary>The enum values of the field's groupBy argument, whether written in the document or passed in a variable.</summary>
    private static IEnumerable<string> GroupBy(GraphQLField field, GraphQLOperationDefinition operation, Inputs? variables)
    {
        var argument = field.Arguments?.Items.FirstOrDefault(a => a.Name.StringValue == "groupBy");
        return argument is null ? [] : EnumValues(argument.Value, operation, variables).Where(IsEnumValue);
    }

    private static IEnumerable<string> EnumValues(GraphQLValue value, GraphQLOperationDefinition operation, Inputs? variables)
    {
        switch (value)
        {
            case GraphQLEnumValue literal:
                return [literal.Name.StringValue];
            case GraphQLListValue list:
                return list.Values?.SelectMany(v => EnumValues(v, operation, variables)) ?? [];
            case GraphQLVariable variable:
                var name = variable.Name.StringValue;
                if (variables is not null && variables.TryGetValue(name, out var given))
                {
                    return EnumValues(given);
                }

                var fallback = operation.Variables?.Items.FirstOrDefault(v => v.Variable.Name.StringValue == name)?.DefaultValue;
                return fallback is null ? [] : EnumValues(fallback, operation, variables);
            default:
                return [];
        }
    }

    private static IEnumerable<string> EnumValues(object? given) => given switch
    {
        string single => [single],
        IEnumerable list => list.OfType<string>(),
        _ => [],
    };

    /// <summary>The items the answer holds, summed over the root fields.</summary>
    private static int Rows(object? data) => data switch
    {
        ObjectExecutionNode root => root.SubFields?.Sum(RowsOfNode) ?? 0,
        PlannedAnswer { Root.Values: { } values } => values.Sum(RowsOfPlanned),
        IDictionary<string, object?> map => map.Values.Sum(RowsOfValue),
        _ => 0,
    };

    /// <summary>A list's length; a connection's nodes or edges; 1 for any other object; 0 for null or a scalar.</summary>
    private static int RowsOfNode(ExecutionNode node) => node switch
    {
        ArrayExecutionNode list => list.Items?.Count ?? 0,
        ObjectExecutionNode { SubFields: null } => 0,
        ObjectExecutionNode item when item.SubFields!.FirstOrDefault(f => f.Field is not null && ItemLists.Contains(f.Field.Name.StringValue)) is ArrayExecutionNode items => items.Items?.Count ?? 0,
        ObjectExecutionNode item when item.GraphType?.Name.EndsWith("Connection", StringComparison.Ordinal) == true => 0,
        ObjectExecutionNode => 1,
        _ => 0,
    };

    /// <summary>The same count for a planned answer's value.</summary>
    private static int RowsOfPlanned(object? value) => value switch
    {
        ListResult list => list.Values?.Length ?? 0,
        ObjectResult { Values: null } => 0,
        ObjectResult item when Array.FindIndex(item.Fields, f => ItemLists.Contains(f.Field.Name.StringValue)) is var i and >= 0 && item.Values![i] is ListResult items => items.Values?.Length ?? 0,
        ObjectResult item when item.Type.Name.EndsWith("Connection", StringComparison.Ordinal) => 0,
        ObjectResult => 1,
        _ => 0,
    };

    private static int RowsOfValue(object? value) => value switch
    {
        null or string => 0,
        IDictionary<string, object?> map => ItemLists.Select(k => map.TryGetValue(k, out var items) ? items : null).FirstOrDefault(i => i is IEnumerable and not string) is IEnumerable list ? list.Cast<object?>().Count() : 1,
        IEnumerable list => list.Cast<object?>().Count(),
        _ => 0,
    };

    private static string? Join(IEnumerable<string> items, int maxLength)
    {
        var text = new StringBuilder();
        foreach (var item in items)
        {
            var needed = text.Length == 0 ? item.Length : item.Length + 1;
            if (text.Length + needed > maxLength)
            {
                break;
            }

            text.Append(text.Length == 0 ? "" : " ").Append(item);
        }

        return text.Length == 0 ? null : text.ToString();
    }

    /// <summary>What the auditor may read of a name the client chose: the name, unless the personal-data guard finds something in it.</summary>
    private static string? Recordable(string? name) =>
        name is not null && PersonalDataGuard.Find(name) is not null ? WithheldName : name;

    /// <summary>The operation name recorded in place of one that looked like personal data.</summary>
    public const string WithheldName = "(withheld: personal data)";

    /// <summary>A GraphQL name: what an operation name must be, so anything else a client sends is not recorded.</summary>
    private static bool IsName(string? text) =>
        !string.IsNullOrEmpty(text) && text.Length <= MaxNameLength && !char.IsAsciiDigit(text[0])
        && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>An enum value as the schema writes them (PROVINCE, AGE_BAND), so no other text can reach the log.</summary>
    private static bool IsEnumValue(string text) =>
        text.Length is > 0 and <= MaxDimensionLength && char.IsAsciiLetterUpper(text[0])
        && text.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_');
}
