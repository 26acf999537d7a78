using System.Globalization;
using System.Numerics;
using GraphQL;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;

namespace PartnerGraph.GraphQL.Common;

/// <summary>Configuration section "GraphQL:Limits": how much one partner's request may ask of the server.</summary>
public sealed class QueryLimitsOptions
{
    public const string Section = "GraphQL:Limits";

    /// <summary>
    /// Most fields nested inside one another in the operation, fragments expanded. An introspection field (__schema,
    /// __type) counts as one level, whatever is below it: introspection is bounded by MaxIntrospectionLists instead.
    /// </summary>
    public int MaxDepth { get; set; } = 12;

    /// <summary>
    /// Most introspection lists that multiply one another (fields, inputFields, interfaces, possibleTypes nested inside one
    /// another under __schema or __type): what makes introspection cost, where the ofType chain of a type reference only
    /// adds. The standard introspection query nests 1; graphql-js's MaxIntrospectionDepthRule allows 2.
    /// </summary>
    public int MaxIntrospectionLists { get; set; } = 2;

    /// <summary>Highest cost of the operation: each field 1, times the page size (first/last, 20 for a connection without them) of every list around it.</summary>
    public int MaxCost { get; set; } = 5000;

    /// <summary>Most aliased fields in the operation, fragments included: aliases are how one field is asked for many times.</summary>
    public int MaxAliases { get; set; } = 30;

    /// <summary>
    /// Most times one response name may be asked for at one place of the result (fragments included): the core rule
    /// that checks such fields can merge compares them in pairs, and reports every pair that conflicts.
    /// </summary>
    public int MaxFieldRepeats { get; set; } = 10;

    /// <summary>Most items in one list, in a variable or written in the document.</summary>
    public int MaxListItems { get; set; } = 1000;

    /// <summary>Longest an operation may run before it is cancelled and answered with TIMEOUT.</summary>
    public int ExecutionTimeoutSeconds { get; set; } = 10;

    /// <summary>Sustained requests one client may send per minute.</summary>
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>Requests one client may send at once before the per-minute rate holds it back.</summary>
    public int Burst { get; set; } = 60;

    /// <summary>WebSockets and event streams one client may hold open at once.</summary>
    public int MaxConnectionsPerClient { get; set; } = 10;

    /// <summary>Subscriptions one client may hold live at once, over all its connections.</summary>
    public int MaxSubscriptionsPerClient { get; set; } = 50;
}

/// <summary>
/// Refuses an operation that is too deep, too costly or uses too many aliases, before anything runs. Only the
/// operation that will run is measured, with its fragments expanded. The measure stops at the first limit passed,
/// so its work is bounded by MaxCost and the length of the document, however its fragments multiply. It also
/// refuses one response name asked for more than MaxFieldRepeats times at one place, and lists of more than
/// MaxListItems items written in the document.
/// </summary>
/// <remarks>
/// Cost: every field costs 1; a field with a first or last argument multiplies the cost of its sub-selection by
/// that value (the larger of the two; a page of 0 counts as 1, since its resolver still runs), a connection
/// (a type named ...Connection) without first or last by 20, any other field by 1. @skip and @include are not
/// looked at: a skipped field still counts, so a directive cannot hide work from the limits.
/// Introspection: what is asked below __schema or __type is the schema itself, so its nesting is no measure of its
/// cost: the ofType chain of a type reference (graphql-js nests it 9 deep) is one object in another. Those fields
/// count 1 each toward the cost and do not add to the depth; the lists that do multiply (a type's fields, each
/// field's type's fields, ...) are counted instead and at most MaxIntrospectionLists may nest.
/// </remarks>
public sealed class QueryLimits(IOptions<QueryLimitsOptions> options)
{
    /// <summary>The page size assumed for a connection asked for without first or last.</summary>
    public const int UnpagedConnectionSize = 20;

    /// <summary>
    /// The first limit the operation to run passes, or null. The pipeline calls it on the parsed document before the
    /// executer validates it: the core rules then never see a hostile document (OverlappingFieldsCanBeMerged compares
    /// fields with one response name pairwise, 9 s for 10,000 of them), and it works on documents they would refuse
    /// too (unknown fields, fragment cycles).
    /// </summary>
    /// <returns>Null also when there is no single operation to run; the executer reports that.</returns>
    public ValidationError? FindLimitPassed(ISchema schema, GraphQLDocument document, string? operationName, Inputs? variables)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(document);
        if (SelectedOperation.Of(document, operationName) is not { } operation)
        {
            return null;
        }

        // Type lookups need the schema's type table, built on its first use.
        schema.Initialize();
        return new OperationMeasure(schema, document, variables ?? Inputs.Empty, options.Value).FirstLimitPassed(operation);
    }

    /// <summary>One walk of the operation with an explicit stack, so 1,000 nested selections cannot overflow the call stack.</summary>
    private sealed class OperationMeasure
    {
        private readonly ISchema schema;
        private readonly GraphQLDocument document;
        private readonly Inputs variables;
        private readonly QueryLimitsOptions limits;
        private readonly Dictionary<string, GraphQLFragmentDefinition> fragments = new(StringComparer.Ordinal);
        private readonly HashSet<string> fragmentsBeingExpanded = new(StringComparer.Ordinal);
        private readonly Stack<Step> steps = new();

        // Each place in the result (a response name under its parent's place) gets an id; fields at one place are counted.
        private readonly Dictionary<(int Parent, string Name), (int Id, int Count)> places = [];

        // Once the multiplier passes MaxCost the next field passes it too; capping it keeps the products far from overflow.
        private readonly long multiplierCap;
        private GraphQLOperationDefinition operation = null!;
        private long cost;
        private int aliases;

        // Repeats and long lists are reported only when no depth, cost or alias limit is passed, which say more.
        private ValidationError? unwieldy;

        public OperationMeasure(ISchema schema, GraphQLDocument document, Inputs variables, QueryLimitsOptions limits)
        {
            this.schema = schema;
            this.document = document;
            this.variables = variables;
            this.limits = limits;
            multiplierCap = Math.Max(limits.MaxCost, 0) + 1L;
            foreach (var definition in document.Definitions)
            {
                // The first of two fragments with one name wins; UniqueFragmentNames reports the second.
                if (definition is GraphQLFragmentDefinition fragment)
                {
                    fragments.TryAdd(fragment.FragmentName.Name.StringValue, fragment);
                }
            }
        }

        public ValidationError? FirstLimitPassed(GraphQLOperationDefinition operation)
        {
            this.operation = operation;
            PushSelections(operation.SelectionSet, RootType(operation.Operation), depth: 0, multiplier: 1, place: 0, introspectionLists: NotIntrospection);
            while (steps.TryPop(out var step))
            {
                switch (step.Selection)
                {
                    case null:
                        fragmentsBeingExpanded.Remove(step.ExpandedFragment!);
                        break;
                    case GraphQLField field:
                        if (Measure(field, step) is { } error)
                        {
                            return error;
                        }

                        break;
                    case GraphQLInlineFragment inline:
                        PushSelections(inline.SelectionSet, TypeNamed(inline.TypeCondition) ?? step.ParentType, step.Depth, step.Multiplier, step.Place, step.IntrospectionLists);
                        break;
                    case GraphQLFragmentSpread spread:
                        Expand(spread, step);
                        break;
                }
            }

            return unwieldy;
        }

        private LimitExceededError? Measure(GraphQLField field, Step step)
        {
            // Below __schema or __type the depth stays where introspection began; the lists that multiply are counted instead.
            var introspectionLists = step.IntrospectionLists;
            var depth = introspectionLists == NotIntrospection ? step.Depth + 1 : step.Depth;
            if (introspectionLists != NotIntrospection && IntrospectionListFields.Contains(field.Name.StringValue)
                && ++introspectionLists > limits.MaxIntrospectionLists)
            {
                return Refuse(ErrorCodes.MaxDepthExceeded, field, limits.MaxIntrospectionLists, introspectionLists,
                    $"The introspection nests more than {limits.MaxIntrospectionLists} lists of fields, input fields, interfaces or possible types inside one another; at most {limits.MaxIntrospectionLists} are allowed. Ask for each type by name (__type) instead of through the fields of another.");
            }

            if (depth > limits.MaxDepth)
            {
                return Refuse(ErrorCodes.MaxDepthExceeded, field, limits.MaxDepth, depth,
                    $"The query is more than {limits.MaxDepth} levels deep; at most {limits.MaxDepth} are allowed. Ask for less nesting, or fetch the inner objects in a second query.");
            }

            cost += step.Multiplier;
            if (cost > limits.MaxCost)
            {
                return Refuse(ErrorCodes.MaxCostExceeded, field, limits.MaxCost, ClampToInt(cost),
                    $"The query costs more than {limits.MaxCost}; at most {limits.MaxCost} is allowed. Every field costs 1, times the first or last of each list it is inside (20 for a connection without them). Ask for smaller pages or fewer fields.");
            }

            if (field.Alias is not null && ++aliases > limits.MaxAliases)
            {
                return Refuse(ErrorCodes.MaxAliasesExceeded, field, limits.MaxAliases, aliases,
                    $"The query uses more than {limits.MaxAliases} aliases; at most {limits.MaxAliases} are allowed. Ask for fewer aliased fields, or split them over several queries.");
            }

            var responseName = (field.Alias?.Name ?? field.Name).StringValue;
            var key = (step.Place, responseName);
            var place = places.TryGetValue(key, out var seen) ? (seen.Id, seen.Count + 1) : (places.Count + 1, 1);
            places[key] = place;
            if (place.Item2 > limits.MaxFieldRepeats)
            {
                unwieldy ??= Refuse(ErrorCodes.MaxFieldRepeatsExceeded, field, limits.MaxFieldRepeats, place.Item2,
                    $"The query asks for one field more than {limits.MaxFieldRepeats} times at one place; at most {limits.MaxFieldRepeats} are allowed. Ask for each field once.");
            }

            if (unwieldy is null && field.Arguments is { } arguments && LongestList(arguments) is var longest && longest > limits.MaxListItems)
            {
                unwieldy = Refuse(ErrorCodes.MaxListItemsExceeded, field, limits.MaxListItems, longest,
                    $"An argument holds a list of more than {limits.MaxListItems} items; at most {limits.MaxListItems} are allowed. Split the request.");
            }

            if (field.SelectionSet is { } selections)
            {
                var definition = FieldOf(step.ParentType, field);
                var type = definition?.ResolvedType?.GetNamedType();
                var multiplier = Math.Min(step.Multiplier * ItemsPerPage(field, definition, type), multiplierCap);
                if (introspectionLists == NotIntrospection && definition is not null
                    && (definition == schema.SchemaMetaFieldType || definition == schema.TypeMetaFieldType))
                {
                    introspectionLists = 0;
                }

                PushSelections(selections, type, depth, multiplier, place.Item1, introspectionLists);
            }

            return null;
        }

        /// <summary>The longest list written in the arguments, nested lists and input objects included (the parser bounds their depth).</summary>
        private static int LongestList(GraphQLArguments arguments)
        {
            var longest = 0;
            var values = new Stack<GraphQLValue>(arguments.Items.Select(a => a.Value));
            while (values.TryPop(out var value))
            {
                switch (value)
                {
                    case GraphQLListValue list when list.Values is { } items:
                        longest = Math.Max(longest, items.Count);
                        items.ForEach(values.Push);
                        break;
                    case GraphQLObjectValue obj when obj.Fields is { } fields:
                        fields.ForEach(f => values.Push(f.Value));
                        break;
                }
            }

            return longest;
        }

        private void Expand(GraphQLFragmentSpread spread, Step step)
        {
            var name = spread.FragmentName.Name.StringValue;

            // A fragment already being expanded above this spread is a cycle, which NoFragmentCycles reports; following it would never end.
            if (!fragments.TryGetValue(name, out var fragment) || !fragmentsBeingExpanded.Add(name))
            {
                return;
            }

            // Popped after every selection of the fragment, so the same fragment may be spread again elsewhere.
            steps.Push(new Step(null, name, null, step.Depth, step.Multiplier, step.Place, step.IntrospectionLists));
            PushSelections(fragment.SelectionSet, TypeNamed(fragment.TypeCondition) ?? step.ParentType, step.Depth, step.Multiplier, step.Place, step.IntrospectionLists);
        }

        private void PushSelections(GraphQLSelectionSet selectionSet, IGraphType? parentType, int depth, long multiplier, int place, int introspectionLists)
        {
            // Pushed last to first, so fields are measured in document order and the error points at the first field past a limit.
            var selections = selectionSet.Selections;
            for (var i = selections.Count - 1; i >= 0; i--)
            {
                steps.Push(new Step(selections[i], null, parentType, depth, multiplier, place, introspectionLists));
            }
        }

        private long ItemsPerPage(GraphQLField field, FieldType? definition, IGraphType? type)
        {
            var first = PageSize(field, definition, "first");
            var last = PageSize(field, definition, "last");
            if (first is not null || last is not null)
            {
                return Math.Clamp(Math.Max(first ?? 0, last ?? 0), 1, multiplierCap);
            }

            return type?.Name.EndsWith("Connection", StringComparison.Ordinal) == true ? UnpagedConnectionSize : 1;
        }

        /// <summary>The value of a page argument as the resolver will get it: literal, variable, the variable's default, or the argument's default.</summary>
        private long? PageSize(GraphQLField field, FieldType? definition, string argument)
        {
            switch (field.Arguments?.ValueFor(argument))
            {
                case GraphQLIntValue literal:
                    return long.TryParse(literal.Value.Span, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var size)
                        ? size
                        : literal.Value.Span is ['-', ..] ? 0 : long.MaxValue;
                case GraphQLVariable variable:
                    var name = variable.Name.StringValue;
                    if (variables.TryGetValue(name, out var value))
                    {
                        return AsCount(value);
                    }

                    var declared = operation.Variables?.Items.Find(v => v.Variable.Name.StringValue == name);
                    return declared?.DefaultValue is GraphQLIntValue fallback && long.TryParse(fallback.Value.Span, CultureInfo.InvariantCulture, out var byDefault) ? byDefault : null;
                case null:
                    return AsCount(definition?.Arguments?.Find(argument)?.DefaultValue);
                default:
                    // null, or a value of the wrong type that ArgumentsOfCorrectType refuses.
                    return null;
            }
        }

        private static long? AsCount(object? value) => value switch
        {
            int number => number,
            long number => number,
            uint number => number,
            ulong number => number > long.MaxValue ? long.MaxValue : (long)number,
            short number => number,
            byte number => number,
            BigInteger number => (long)BigInteger.Clamp(number, long.MinValue, long.MaxValue),
            double number when double.IsFinite(number) => (long)Math.Clamp(number, -1e18, 1e18),
            decimal number => (long)Math.Clamp(number, -1e18m, 1e18m),
            _ => null,
        };

        private FieldType? FieldOf(IGraphType? parentType, GraphQLField field)
        {
            if (field.Name == "__typename")
            {
                return schema.TypeNameMetaFieldType;
            }

            if (parentType is not null && parentType == schema.Query)
            {
                if (field.Name == "__schema")
                {
                    return schema.SchemaMetaFieldType;
                }

                if (field.Name == "__type")
                {
                    return schema.TypeMetaFieldType;
                }
            }

            return (parentType as IComplexGraphType)?.GetField(field.Name.Value);
        }

        private IGraphType? RootType(OperationType type) => type switch
        {
            OperationType.Query => schema.Query,
            OperationType.Mutation => schema.Mutation,
            OperationType.Subscription => schema.Subscription,
            _ => null,
        };

        private IGraphType? TypeNamed(GraphQLTypeCondition? condition) =>
            condition is null ? null : schema.AllTypes[condition.Type.Name.Value];

        /// <summary>value is what was counted when the limit was passed: exact for depth and lists, at least limit + 1 for sums.</summary>
        private LimitExceededError Refuse(string code, GraphQLField field, int limit, int value, string message) =>
            new(document.Source, code, message, limit, value, field);

        private static int ClampToInt(long value) => value > int.MaxValue ? int.MaxValue : (int)value;
    }

    /// <summary>IntrospectionLists of a selection outside __schema and __type.</summary>
    private const int NotIntrospection = -1;

    /// <summary>The fields of the introspection types that list what a type holds: nested, they multiply.</summary>
    private static readonly HashSet<string> IntrospectionListFields = new(["fields", "inputFields", "interfaces", "possibleTypes"], StringComparer.Ordinal);

    /// <summary>
    /// A selection still to measure, or (Selection null) the end of a fragment's expansion; Place is its parent's place in
    /// the result; IntrospectionLists the introspection lists around it (NotIntrospection outside __schema and __type).
    /// </summary>
    private readonly record struct Step(ASTNode? Selection, string? ExpandedFragment, IGraphType? ParentType, int Depth, long Multiplier, int Place, int IntrospectionLists);
}
