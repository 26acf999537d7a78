using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Execution;
using GraphQL.SystemTextJson;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.Tests.Transport;

/// <summary>
/// QueryExecutionStrategy, the executer of every query, keeps an object's collected fields with the parsed selection
/// between objects and requests. Whatever the selection holds (fragments, inline fragments, aliases, arguments,
/// @skip/@include by variables, nested objects) and whatever its resolvers do (a value, null, a value its scalar
/// refuses, an exception, an error with a code, a task still running, a data loader result, a look at the path or
/// parent), the answer must be GraphQL.NET's own, byte for byte: each document is run by both strategies and the
/// serialized answers compared. The started server's answers are held to the same in AnswerExecutionTests and
/// RawBaselineTests.
/// </summary>
public sealed class QueryExecutionStrategyTests
{
    private static readonly GraphQLSerializer Serializer = new();

    // One schema for every run, as the server keeps one per role: the collections are kept per object type.
    private static readonly Lazy<ISchema> Schema = new(() =>
    {
        var schema = new global::GraphQL.Types.Schema { Query = new ThingsQuery() };
        schema.Initialize();
        return schema;
    });

    public static TheoryData<string> Documents => new(
        "{ things { text number flag colour when nullable __typename } }",
        "{ things { text nonNullNull } }",
        "{ things { text throws } }",
        "{ things { text coded } }",
        "{ things { text nonNullThrows } }",
        "{ things { text later laterThrows loaded } }",
        "{ things { badColour text } }",
        "{ things { text twice: withArgument(x: 2) once: withArgument(x: 1) path parent } }",
        "{ things { text child { text number nonNullNull } } one { text later } }",
        "{ strict { text nonNullNull } }",
        "query Q($hide: Boolean!) { things { text number @skip(if: $hide) colour @include(if: $hide) } }",
        "{ things { ...F ... on Thing { flag text } } } fragment F on Thing { text when }",
        "{ things { a: withArgument(x: 2) a: withArgument(x: 2) text } }",
        "{ things { child { text } child { number } } }",
        "{ things { tags numbers nullableTags badTags } }",
        "{ things { friends { text friends { text } } loadedThing { text loaded } loadedThings { text later } } }",
        "{ things { grid } shapes { __typename ... on Square { side } ... on Circle { radius } } }",
        "{ things { loadedNull loadedThrows } }",
        "{ things { loadedNull loadedNonNullNull { text } } }",
        "{ things { text notAList } }",
        "{ strict { loadedNonNullNull { text } } one { loadedThing { later } } }",
        "{ __typename things { __typename } }",
        "{ __schema { queryType { name } } things { text } }",
        "{ things { batched again: batched batchedThing { text batched batchedThing { batched } } } one { batched } }",
        "{ things { batchedLater batched } }",
        "{ things { batchedThingLater { text batched } batchedThing { text } } }",
        "{ things { laterBatched batched } one { batched } }",
        "{ things { batchedFailing text } }",
        "{ things { batchedLater batchedFailing } }");

    [Theory]
    [MemberData(nameof(Documents))]
    public async Task Every_document_is_answered_as_GraphQL_NET_answers_it(string document)
    {
        // One parsed document for every run, as the server's document cache shares it between requests.
        var parsed = GraphQLParser.Parser.Parse(document);
        foreach (var hide in new[] { true, false, true })
        {
            var (expected, _) = await RunAsync(new ParallelExecutionStrategy(), parsed, hide);
            var (actual, data) = await RunAsync(new QueryExecutionStrategy(), parsed, hide);
            Assert.Equal(expected, actual);

            // Planned (no execution nodes) unless the request has directive values or introspects the schema.
            Assert.Equal(document.Contains('@', StringComparison.Ordinal) || document.Contains("__schema", StringComparison.Ordinal), data is ExecutionNode);
            Assert.Contains("\"data\"", actual, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_failing_leaf_is_reported_with_its_path_and_its_object_nulled_where_the_type_demands()
    {
        var (answer, _) = await RunAsync(new QueryExecutionStrategy(), GraphQLParser.Parser.Parse("{ strict { text nonNullNull } things { text throws } }"), hide: false);
        Assert.Contains("\"strict\":null", answer, StringComparison.Ordinal);
        Assert.Contains("\"path\":[\"strict\",0,\"nonNullNull\"]", answer, StringComparison.Ordinal);
        Assert.Contains("\"path\":[\"things\",1,\"throws\"]", answer, StringComparison.Ordinal);
        Assert.Contains("\"text\":\"b\",\"throws\":null", answer, StringComparison.Ordinal);
    }

    private static async Task<(string Answer, object? Data)> RunAsync(IExecutionStrategy strategy, GraphQLDocument document, bool hide)
    {
        var executer = new DocumentExecuter(new GraphQLDocumentBuilder(), new DocumentValidator(), new DefaultExecutionStrategySelector([new ExecutionStrategyRegistration(strategy, OperationType.Query)]), []);
        var result = await executer.ExecuteAsync(new ExecutionOptions
        {
            Schema = Schema.Value,
            Document = document,
            Variables = new Inputs(new Dictionary<string, object?> { ["hide"] = hide }),
            UserContext = Loaders(),
            ThrowOnUnhandledException = false,
        });
        return (Serializer.Serialize(result), result.Data);
    }

    /// <summary>
    /// The request's batch loaders, as the server's request context makes them: text 2 is missing, and the failing
    /// loader's batch throws. A key loaded while its batch is fetched, or after, is read without a task by ours.
    /// </summary>
    private static Dictionary<string, object?> Loaders() => new()
    {
        ["texts"] = new BatchLoader<int, string?>((keys, _) => Task.FromResult<IReadOnlyDictionary<int, string?>>(keys.Where(k => k != 2).ToDictionary(k => k, k => (string?)("batched " + k))), null),
        ["things"] = new BatchLoader<int, Thing?>((keys, _) => Task.FromResult<IReadOnlyDictionary<int, Thing?>>(keys.ToDictionary(k => k, k => (Thing?)new Thing("t" + k, k + 1))), null),
        ["failing"] = new BatchLoader<int, string?>((_, _) => Task.FromException<IReadOnlyDictionary<int, string?>>(new InvalidOperationException("batch boom")), null),
    };

    private static BatchLoader<int, T> Loader<T>(IResolveFieldContext context, string name) => (BatchLoader<int, T>)context.UserContext[name]!;

    private enum Colour
    {
        Red,
        Green,
        Undefined,
    }

    private sealed record Thing(string Text, int Number);

    /// <summary>A data-loader answer that completes later, as a batching loader's does.</summary>
    private sealed class Loaded(string value) : IDataLoaderResult
    {
        public async Task<object?> GetResultAsync(CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return value;
        }
    }

    /// <summary>A data-loader answer of any value that completes later.</summary>
    private sealed class Loaded2(object? value) : IDataLoaderResult
    {
        public async Task<object?> GetResultAsync(CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return value;
        }
    }

    /// <summary>A data-loader answer that completes later with an exception.</summary>
    private sealed class Failing : IDataLoaderResult
    {
        public async Task<object?> GetResultAsync(CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            throw new InvalidOperationException("loader boom");
        }
    }

    /// <summary>A data-loader answer that is already there, as a loader's for a key it has fetched.</summary>
    private sealed class Ready(object? value) : IDataLoaderResult
    {
        public Task<object?> GetResultAsync(CancellationToken cancellationToken = default) => Task.FromResult(value);
    }

    private sealed record Square(int Side);

    private sealed record Circle(double Radius);

    private sealed class ShapeType : UnionGraphType
    {
        public ShapeType()
        {
            Name = "Shape";
            Type<SquareType>();
            Type<CircleType>();
        }
    }

    private sealed class SquareType : ObjectGraphType<Square>
    {
        public SquareType()
        {
            Name = "Square";
            IsTypeOf = o => o is Square;
            Field<NonNullGraphType<IntGraphType>, int>("side").Resolve(c => c.Source.Side);
        }
    }

    private sealed class CircleType : ObjectGraphType<Circle>
    {
        public CircleType()
        {
            Name = "Circle";
            IsTypeOf = o => o is Circle;
            Field<NonNullGraphType<FloatGraphType>, double>("radius").Resolve(c => c.Source.Radius);
        }
    }

    private sealed class ColourType : EnumerationGraphType
    {
        public ColourType()
        {
            Name = "Colour";
            Add("RED", Colour.Red);
            Add("GREEN", Colour.Green);
        }
    }

    private sealed class ThingType : ObjectGraphType<Thing>
    {
        public ThingType()
        {
            Name = "Thing";
            Field<NonNullGraphType<StringGraphType>, string>("text").Resolve(c => c.Source.Text);
            Field<NonNullGraphType<IntGraphType>, int>("number").Resolve(c => c.Source.Number);
            Field<NonNullGraphType<BooleanGraphType>, bool>("flag").Resolve(c => c.Source.Number % 2 == 0);
            Field<NonNullGraphType<ColourType>, Colour>("colour").Resolve(c => c.Source.Number % 2 == 0 ? Colour.Red : Colour.Green);
            Field<ColourType, Colour>("badColour").Resolve(c => c.Source.Number == 2 ? Colour.Undefined : Colour.Red);
            Field<NonNullGraphType<RoundTripDateTimeGraphType>, DateTime>("when").Resolve(c => new DateTime(2026, 12, c.Source.Number, 1, 2, 3, DateTimeKind.Utc));
            Field<StringGraphType, string?>("nullable").Resolve(c => c.Source.Number == 2 ? null : c.Source.Text);
            Field<NonNullGraphType<StringGraphType>, string?>("nonNullNull").Resolve(c => c.Source.Number == 1 ? null : c.Source.Text);
            Field<StringGraphType, string>("throws").Resolve(c => c.Source.Number == 2 ? throw new InvalidOperationException("boom") : c.Source.Text);
            Field<StringGraphType, string>("coded").Resolve(c => c.Source.Number == 3 ? throw new ExecutionError("refused") { Code = "REFUSED" } : c.Source.Text);
            Field<NonNullGraphType<StringGraphType>, string>("nonNullThrows").Resolve(c => c.Source.Number == 3 ? throw new InvalidOperationException("boom") : c.Source.Text);
            Field<StringGraphType, string>("later").ResolveAsync(async c =>
            {
                await Task.Yield();
                return c.Source.Text + " later";
            });
            Field<StringGraphType, string>("laterThrows").ResolveAsync(async c =>
            {
                await Task.Yield();
                return c.Source.Number == 1 ? throw new InvalidOperationException("later boom") : c.Source.Text;
            });
            Field<StringGraphType>("loaded").Resolve(c => new Loaded("loaded " + c.Source.Text));
            Field<NonNullGraphType<IntGraphType>, int>("withArgument").Argument<IntGraphType>("x").Resolve(c => c.Source.Number * c.GetArgument<int>("x"));
            Field<NonNullGraphType<StringGraphType>, string>("path").Resolve(c => string.Join('/', c.Path) + " " + string.Join('/', c.ResponsePath));
            Field<StringGraphType, string?>("parent").Resolve(c => c.Parent?.FieldDefinition.Name + ":" + c.ParentType.Name);
            Field<ThingType, Thing>("child").Resolve(c => new Thing(c.Source.Text + "'", c.Source.Number + 1));
            Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>, IEnumerable<string>>("tags").Resolve(c => Enumerable.Range(0, c.Source.Number).Select(i => c.Source.Text + i));
            Field<ListGraphType<IntGraphType>, int?[]>("numbers").Resolve(c => [c.Source.Number, null, 7]);
            Field<ListGraphType<StringGraphType>, List<string?>>("nullableTags").Resolve(c => c.Source.Number == 2 ? null : ["x", null]);
            Field<ListGraphType<NonNullGraphType<ColourType>>, Colour[]>("badTags").Resolve(c => c.Source.Number == 3 ? [Colour.Red, Colour.Undefined] : [Colour.Green]);
            Field<NonNullGraphType<ListGraphType<NonNullGraphType<ThingType>>>, Thing[]>("friends").Resolve(c => c.Source.Text.Length > 2 ? [] : [new(c.Source.Text + "f", c.Source.Number), new(c.Source.Text + "g", 2)]);
            Field<ThingType>("loadedThing").Resolve(c => new Loaded2(new Thing(c.Source.Text + "L", c.Source.Number)));
            Field<ListGraphType<ThingType>>("loadedThings").Resolve(c => new object?[] { new Ready(new Thing("r", 1)), new Thing("s", 2), new Loaded2(new Thing("t", 3)), null });
            Field<ListGraphType<ListGraphType<IntGraphType>>, int[][]>("grid").Resolve(c => [[1, 2], [c.Source.Number]]);
            Field<StringGraphType>("loadedNull").Resolve(_ => new Ready(null));
            Field<StringGraphType>("loadedThrows").Resolve(c => c.Source.Number == 2 ? new Failing() : new Ready("ok"));
            Field<NonNullGraphType<ThingType>>("loadedNonNullNull").Resolve(c => c.Source.Number == 2 ? new Ready(null) : new Loaded2(new Thing("n", 5)));
            Field<ListGraphType<StringGraphType>>("notAList").Resolve(_ => 5);
            Field<StringGraphType>("batched").Resolve(c => Loader<string?>(c, "texts").Load(c.Source.Number));
            Field<ThingType>("batchedThing").Resolve(c => Loader<Thing?>(c, "things").Load(c.Source.Number));
            Field<StringGraphType>("batchedFailing").Resolve(c => Loader<string?>(c, "failing").Load(c.Source.Number));

            // A loader's answer that is another loader's: its keys' batch is fetched by the level before it is read.
            Field<StringGraphType>("batchedLater").Resolve(c => new Loaded2(Loader<string?>(c, "texts").Load(c.Source.Number)));
            Field<ThingType>("batchedThingLater").Resolve(c => new Loaded2(Loader<Thing?>(c, "things").Load(c.Source.Number)));
            Field<StringGraphType>("laterBatched").ResolveAsync(async c =>
            {
                await Task.Yield();
                return Loader<string?>(c, "texts").Load(c.Source.Number + 1);
            });
        }
    }

    private sealed class ThingsQuery : ObjectGraphType
    {
        public ThingsQuery()
        {
            Name = "Query";
            Field<NonNullGraphType<ListGraphType<NonNullGraphType<ThingType>>>, Thing[]>("things").Resolve(_ => [new("a", 1), new("b", 2), new("c", 3)]);
            Field<ListGraphType<NonNullGraphType<ThingType>>, Thing[]>("strict").Resolve(_ => [new("a", 1)]);
            Field<ThingType, Thing>("one").Resolve(_ => new Thing("one", 4));
            Field<ListGraphType<ShapeType>, object[]>("shapes").Resolve(_ => [new Square(2), new Circle(1.5), new Square(3)]);
        }
    }
}
