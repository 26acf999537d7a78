using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.GraphQL;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.PersonalData;

/// <summary>
/// Every string input of the whole schema (each String or ID argument of every field, and each String or ID field of
/// every input type, in lists too), found by walking the schema the server serves: personal data sent there is
/// refused with PII_NOT_ALLOWED naming that place. A string input added later is in this table by itself, so it fails
/// here unless the guard covers it.
/// </summary>
public sealed class EveryStringInputTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private const string Phone = "081-234-5678";

    [Fact]
    public async Task Personal_data_sent_to_any_string_input_of_the_schema_is_refused_naming_that_input()
    {
        var places = StringInputs(fixture.App.Services.GetRequiredService<SchemaCatalogue>().Everything).ToList();
        Assert.True(places.Count >= 25, $"expected the schema's many string inputs, found {places.Count}");

        var missed = new List<string>();
        foreach (var (document, field) in places)
        {
            var response = await fixture.Client.PostAsync(document);
            var error = response.Errors?.FirstOrDefault(e => e?["extensions"]?["code"]?.GetValue<string>() == "PII_NOT_ALLOWED");
            if (response.Data is not null || error?["extensions"]?["field"]?.GetValue<string>() != field || error["extensions"]?["kind"]?.GetValue<string>() != "PHONE_NUMBER")
            {
                missed.Add($"{field}: {response.Body.ToJsonString()}");
            }
        }

        Assert.True(missed.Count == 0, "Not refused:\n" + string.Join('\n', missed));
    }

    /// <summary>A document that sends the phone number to each string input, with the place the refusal should name.</summary>
    private static IEnumerable<(string Document, string Field)> StringInputs(ISchema schema)
    {
        var paths = PathsToTypes(schema);
        var inputsUsing = InputValuesFor(schema, paths);
        foreach (var (type, path) in paths)
        {
            foreach (var field in type.Fields)
            {
                foreach (var argument in field.Arguments ?? [])
                {
                    if (IsString(argument.ResolvedType!))
                    {
                        yield return (Document(path, $"{field.Name}({argument.Name}: {Literal(argument.ResolvedType!, $"\"{Phone}\"")}){Selection(field)}"), $"{field.Name}({argument.Name}{Index(argument.ResolvedType!)})");
                    }
                }
            }
        }

        foreach (var input in schema.AllTypes.OfType<IInputObjectGraphType>())
        {
            var (path, field, argument, wrap) = inputsUsing[input.Name];
            var selection = Selection(paths.Keys.SelectMany(t => t.Fields).First(f => f.Name == field));
            foreach (var inputField in input.Fields.Where(f => IsString(f.ResolvedType!)))
            {
                var value = wrap($"{{ {inputField.Name}: {Literal(inputField.ResolvedType!, $"\"{Phone}\"")} }}");
                yield return (Document(path, $"{field}({argument}: {value.Literal}){selection}"), $"{field}({argument}{value.Path}.{inputField.Name}{Index(inputField.ResolvedType!)})");
            }
        }
    }

    private static string Document((string Operation, string[] Fields) path, string innermost)
    {
        var selection = innermost;
        foreach (var field in path.Fields.Reverse())
        {
            // A field of an abstract type reads as "node { ... on Referral": one more brace to close.
            selection = $"{field} {{ {selection} }}" + (field.Contains('{', StringComparison.Ordinal) ? " }" : "");
        }

        return $"{path.Operation} {{ {selection} }}";
    }

    /// <summary>For each object type, the operation and the fields that lead to it from a root (breadth first).</summary>
    private static Dictionary<IComplexGraphType, (string Operation, string[] Fields)> PathsToTypes(ISchema schema)
    {
        var paths = new Dictionary<IComplexGraphType, (string, string[])>();
        var queue = new Queue<IComplexGraphType>();
        foreach (var (root, operation) in new[] { (schema.Query, "query"), (schema.Mutation, "mutation"), (schema.Subscription, "subscription") })
        {
            if (root is not null)
            {
                paths[root] = (operation, []);
                queue.Enqueue(root);
            }
        }

        while (queue.TryDequeue(out var type))
        {
            var (operation, fields) = paths[type];
            foreach (var field in type.Fields)
            {
                var named = field.ResolvedType!.GetNamedType();
                IEnumerable<IComplexGraphType> reached = named switch
                {
                    IAbstractGraphType union => union.PossibleTypes,
                    IComplexGraphType complex => [complex],
                    _ => [],
                };
                foreach (var next in reached.Where(t => t is not IInputObjectGraphType && !paths.ContainsKey(t)))
                {
                    paths[next] = (operation, [.. fields, field.Name + (named is IAbstractGraphType ? $" {{ ... on {next.Name}" : "")]);
                    queue.Enqueue(next);
                }
            }
        }

        return paths;
    }

    private sealed record InputUse((string Operation, string[] Fields) Path, string Field, string Argument, Func<string, (string Literal, string Path)> Wrap)
    {
        public void Deconstruct(out (string Operation, string[] Fields) path, out string field, out string argument, out Func<string, (string Literal, string Path)> wrap) =>
            (path, field, argument, wrap) = (Path, Field, Argument, Wrap);
    }

    /// <summary>For each input type, an argument that takes it (directly, in a list, or inside another input type) and how to wrap a value of it.</summary>
    private static Dictionary<string, InputUse> InputValuesFor(ISchema schema, Dictionary<IComplexGraphType, (string Operation, string[] Fields)> paths)
    {
        var uses = new Dictionary<string, InputUse>(StringComparer.Ordinal);
        var queue = new Queue<IInputObjectGraphType>();
        foreach (var (type, path) in paths)
        {
            foreach (var field in type.Fields)
            {
                foreach (var argument in field.Arguments ?? [])
                {
                    if (argument.ResolvedType!.GetNamedType() is IInputObjectGraphType input && !uses.ContainsKey(input.Name))
                    {
                        var argumentType = argument.ResolvedType!;
                        uses[input.Name] = new InputUse(path, field.Name, argument.Name, literal => (Literal(argumentType, literal), Index(argumentType)));
                        queue.Enqueue(input);
                    }
                }
            }
        }

        while (queue.TryDequeue(out var input))
        {
            var outer = uses[input.Name];
            foreach (var field in input.Fields)
            {
                if (field.ResolvedType!.GetNamedType() is IInputObjectGraphType inner && !uses.ContainsKey(inner.Name))
                {
                    var fieldType = field.ResolvedType!;
                    uses[inner.Name] = outer with
                    {
                        Wrap = literal =>
                        {
                            var (wrapped, path) = outer.Wrap($"{{ {field.Name}: {Literal(fieldType, literal)} }}");
                            return (wrapped, $"{path}.{field.Name}{Index(fieldType)}");
                        },
                    };
                    queue.Enqueue(inner);
                }
            }
        }

        return uses;
    }

    /// <summary>What to ask of a field's result so the document is well formed: its __typename when it is an object.</summary>
    private static string Selection(FieldType field) => field.ResolvedType!.GetNamedType() is IComplexGraphType ? " { __typename }" : "";

    private static bool IsString(IGraphType type) => type.GetNamedType() is StringGraphType or IdGraphType;

    /// <summary>The value as the type takes it: in brackets for a list.</summary>
    private static string Literal(IGraphType type, string value) =>
        type is NonNullGraphType nonNull ? Literal(nonNull.ResolvedType!, value)
        : type is ListGraphType list ? $"[{Literal(list.ResolvedType!, value)}]"
        : value;

    /// <summary>The index the refusal names for a value in a list: [0].</summary>
    private static string Index(IGraphType type) =>
        type is NonNullGraphType nonNull ? Index(nonNull.ResolvedType!)
        : type is ListGraphType list ? "[0]" + Index(list.ResolvedType!)
        : "";
}
