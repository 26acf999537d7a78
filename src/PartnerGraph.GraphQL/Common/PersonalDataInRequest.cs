using System.Runtime.CompilerServices;
using GraphQL;
using GraphQLParser.AST;
using PartnerGraph.Domain.PersonalData;

namespace PartnerGraph.GraphQL.Common;

/// <summary>
/// The personal-data guard on everything a request sends: every string literal of the document (arguments, input
/// objects, lists, variables' defaults, directives), every string of its variables, whatever field it is for, and the
/// names its author chose (operation, aliases, fields, fragments, variables), which the answer, errors and the access
/// log would repeat. It runs before anything executes, so a document whose second mutation carries personal data
/// changes nothing, and every string input of the schema, now and later, is guarded alike. A document's findings are
/// kept with it.
/// </summary>
public static class PersonalDataInRequest
{
    /// <summary>Enough to show a partner every field to clean in an ordinary input, not so many that a hostile one costs.</summary>
    private const int MaxFindings = 20;

    private static readonly ConditionalWeakTable<GraphQLDocument, IReadOnlyList<Finding>> Documents = new();

    /// <summary>One PII_NOT_ALLOWED error per place personal data was found (naming the place and the kind), or none.</summary>
    public static IReadOnlyList<ExecutionError> Find(GraphQLDocument? document, Inputs? variables)
    {
        var findings = new List<Finding>(document is null ? [] : Documents.GetValue(document, InDocument));
        InVariables(variables, findings);
        return findings.Take(MaxFindings).Select(f =>
        {
            var refusal = PersonalDataGuard.Refusal(f.Field, f.Kind);
            return (ExecutionError)new UserError(refusal.Code, refusal.Message, refusal.Details);
        }).ToList();
    }

    /// <summary>Where personal data was found: field(argument.inputField[index]) in the document, $variable.field in the variables.</summary>
    private sealed record Finding(string Field, PersonalDataKind Kind);

    private static List<Finding> InDocument(GraphQLDocument document)
    {
        var findings = new List<Finding>();
        foreach (var definition in document.Definitions)
        {
            switch (definition)
            {
                case GraphQLOperationDefinition operation:
                    CheckName("operation name", operation.Name, findings);
                    foreach (var variable in operation.Variables?.Items ?? [])
                    {
                        CheckName("variable name", variable.Variable.Name, findings);
                        if (variable.DefaultValue is { } value)
                        {
                            InValue(value, "$" + variable.Variable.Name.StringValue, findings);
                        }
                    }

                    InDirectives(operation.Directives, "", findings);
                    InSelections(operation.SelectionSet, findings);
                    break;
                case GraphQLFragmentDefinition fragment:
                    CheckName("fragment name", fragment.FragmentName.Name, findings);
                    InDirectives(fragment.Directives, "", findings);
                    InSelections(fragment.SelectionSet, findings);
                    break;
            }
        }

        return findings;
    }

    private static void InSelections(GraphQLSelectionSet? selections, List<Finding> findings)
    {
        foreach (var selection in selections?.Selections ?? [])
        {
            switch (selection)
            {
                case GraphQLField field:
                    CheckName("alias", field.Alias?.Name, findings);
                    CheckName("field name", field.Name, findings);
                    InArguments(field.Arguments, field.Name.StringValue, findings);
                    InDirectives(field.Directives, field.Name.StringValue + " ", findings);
                    InSelections(field.SelectionSet, findings);
                    break;
                case GraphQLInlineFragment inline:
                    InDirectives(inline.Directives, "", findings);
                    InSelections(inline.SelectionSet, findings);
                    break;
                case GraphQLFragmentSpread spread:
                    InDirectives(spread.Directives, "", findings);
                    break;
            }
        }
    }

    private static void InDirectives(GraphQLDirectives? directives, string place, List<Finding> findings)
    {
        foreach (var directive in directives?.Items ?? [])
        {
            InArguments(directive.Arguments, place + "@" + directive.Name.StringValue, findings);
        }
    }

    /// <summary>A value's place is written as field(argument.inputField[index]), e.g. declineReferral(input.reason).</summary>
    private static void InArguments(GraphQLArguments? arguments, string owner, List<Finding> findings)
    {
        foreach (var argument in arguments?.Items ?? [])
        {
            var found = new List<Finding>();
            InValue(argument.Value, argument.Name.StringValue, found);
            findings.AddRange(found.Select(f => f with { Field = $"{owner}({f.Field})" }));
        }
    }

    private static void InValue(GraphQLValue value, string path, List<Finding> findings)
    {
        switch (value)
        {
            case GraphQLStringValue text:
                Check(path, text.Value.ToString(), findings);
                break;
            case GraphQLListValue list:
                var index = 0;
                foreach (var item in list.Values ?? [])
                {
                    InValue(item, $"{path}[{index++}]", findings);
                }

                break;
            case GraphQLObjectValue input:
                foreach (var field in input.Fields ?? [])
                {
                    InValue(field.Value, $"{path}.{field.Name.StringValue}", findings);
                }

                break;
        }
    }

    private static void InVariables(Inputs? variables, List<Finding> findings)
    {
        foreach (var (name, value) in variables ?? Inputs.Empty)
        {
            InVariable(value, "$" + name, findings);
        }
    }

    private static void InVariable(object? value, string path, List<Finding> findings)
    {
        switch (value)
        {
            case string text:
                Check(path, text, findings);
                break;
            case IDictionary<string, object?> input:
                foreach (var (field, fieldValue) in input)
                {
                    InVariable(fieldValue, $"{path}.{field}", findings);
                }

                break;
            case System.Collections.IEnumerable items:
                var index = 0;
                foreach (var item in items)
                {
                    InVariable(item, $"{path}[{index++}]", findings);
                }

                break;
        }
    }

    private static void CheckName(string role, GraphQLName? name, List<Finding> findings)
    {
        if (name is not null)
        {
            Check(role, name.StringValue, findings);
        }
    }

    private static void Check(string path, string text, List<Finding> findings)
    {
        if (findings.Count < MaxFindings && PersonalDataGuard.Find(text) is { } kind)
        {
            findings.Add(new Finding(path, kind));
        }
    }
}
