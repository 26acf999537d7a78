using System.Diagnostics;
using System.Globalization;
using System.Text;
using GraphQL;
using GraphQL.SystemTextJson;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser;
using GraphQLParser.AST;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Pipeline;
using Xunit.Abstractions;
using SdlSchema = GraphQL.Types.Schema;

namespace PartnerGraph.Tests.Transport;

/// <summary>
/// Depth, cost and alias limits, hostile documents, and the per-client rate limiter, through the pipeline's own steps:
/// the parse (DocumentCache), the limits measured on the parsed document (QueryLimits), then validation and execution
/// (GraphQLRunner).
/// </summary>
public sealed class QueryLimitsTests(ITestOutputHelper output)
{
    // A recursive type, plain lists with page arguments and a connection: the shapes the limits are about.
    private static readonly ISchema LimitsSchema = SdlSchema.For("""
        type Query {
          node: Node
          nodes(first: Int, last: Int): [Node]
          items(first: Int, last: Int): ItemConnection
          pagedByDefault(first: Int = 200): [Node]
        }

        type Node {
          id: ID
          name: String
          child: Node
          children(first: Int, last: Int): [Node]
          items(first: Int, last: Int): ItemConnection
        }

        type ItemConnection {
          edges: [ItemEdge]
          nodes: [Node]
          totalCount: Int
        }

        type ItemEdge {
          cursor: String
          node: Node
        }
        """);

    private static readonly GraphQLSerializer Json = new();

    // Hostile documents must be refused well within this; the measured times are written to the test output.
    // A bound against hangs, not a speed target: speed is measured in bench/.
    private static readonly TimeSpan WithoutHanging = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Twelve_levels_pass()
    {
        AssertPasses(await ExecuteAsync(Nested(12)));
    }

    [Fact]
    public async Task Thirteen_levels_are_refused_with_max_depth_exceeded()
    {
        var result = await ExecuteAsync(Nested(13));

        var error = AssertRefused(result, ErrorCodes.MaxDepthExceeded);
        Assert.Equal("The query is more than 12 levels deep; at most 12 are allowed. Ask for less nesting, or fetch the inner objects in a second query.", error.Message);
        Assert.NotNull(error.Locations);
    }

    [Fact]
    public async Task Depth_counts_fields_inside_fragments()
    {
        // 1 field in the operation, 4 in A, 8 in B: 13 levels once the fragments are expanded.
        var query = """
            { node { ...A } }
            fragment A on Node { child { child { child { child { ...B } } } } }
            fragment B on Node { child { child { child { child { child { child { child { id } } } } } } } }
            """;

        AssertRefused(await ExecuteAsync(query), ErrorCodes.MaxDepthExceeded);
    }

    [Fact]
    public async Task Introspection_counts_one_level_of_depth_and_its_nested_lists_instead()
    {
        static string Introspection(int ofTypes) =>
            "{ __schema { types { fields { type { " + Repeat("ofType { ", ofTypes) + "name" + Repeat(" }", ofTypes) + " } } } } }";
        static string Lists(int nested) =>
            "{ __type(name: \"Query\") { " + Repeat("fields { type { ", nested) + "name" + Repeat(" } }", nested) + " } }";

        // The ofType chain is one object in another: 30 deep costs 30 fields, not a depth past 12.
        AssertPasses(await ExecuteAsync(Introspection(30)));
        AssertPasses(await ExecuteAsync(Lists(2)));
        AssertRefused(await ExecuteAsync(Lists(3)), ErrorCodes.MaxDepthExceeded);

        // Outside introspection, depth is counted as before.
        AssertRefused(await ExecuteAsync("{ node { " + Repeat("child { ", 12) + "id" + Repeat(" }", 13) + " }"), ErrorCodes.MaxDepthExceeded);
    }

    [Fact]
    public async Task Pages_of_100_nested_twice_are_refused_with_max_cost_exceeded()
    {
        // 1 + 100 × (1 + 100 × 1) = 10,101.
        var result = await ExecuteAsync("{ nodes(first: 100) { children(first: 100) { id } } }");

        var error = AssertRefused(result, ErrorCodes.MaxCostExceeded);
        Assert.StartsWith("The query costs more than 5000; at most 5000 is allowed.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_of_10_nested_twice_pass()
    {
        AssertPasses(await ExecuteAsync("{ nodes(first: 10) { children(last: 10) { id } } }"));
    }

    [Theory]
    [InlineData("""{ "n": 100 }""", ErrorCodes.MaxCostExceeded)]
    [InlineData("""{ "n": 10 }""", null)]
    [InlineData("""{ "n": 2147483647 }""", ErrorCodes.MaxCostExceeded)]
    [InlineData("""{ "n": null }""", null)]
    public async Task A_page_size_in_a_variable_is_honoured(string variables, string? code)
    {
        var result = await ExecuteAsync("query Pages($n: Int) { nodes(first: $n) { children(last: $n) { id } } }", variables);

        if (code is null)
        {
            AssertPasses(result);
        }
        else
        {
            AssertRefused(result, code);
        }
    }

    [Fact]
    public async Task A_page_size_from_a_variable_default_or_an_argument_default_is_honoured()
    {
        AssertRefused(await ExecuteAsync("query Pages($n: Int = 100) { nodes(first: $n) { children(first: $n) { id } } }"), ErrorCodes.MaxCostExceeded);

        // pagedByDefault pages 200 when not asked otherwise: 1 + 200 × (1 + 1 × 20 × 2) = 8,201.
        AssertRefused(await ExecuteAsync("{ pagedByDefault { items { nodes { id } } } }"), ErrorCodes.MaxCostExceeded);
        AssertPasses(await ExecuteAsync("{ pagedByDefault(first: 5) { items { nodes { id } } } }"));
    }

    [Fact]
    public async Task A_connection_without_first_or_last_counts_as_20()
    {
        // 1 + 20 + 20 + 400 + 400 = 841.
        AssertPasses(await ExecuteAsync("{ items { nodes { items { nodes { id } } } } }"));

        // One more connection level: 841 + 400 + 8,000 + 8,000.
        AssertRefused(await ExecuteAsync("{ items { nodes { items { nodes { items { nodes { id } } } } } } }"), ErrorCodes.MaxCostExceeded);
    }

    [Fact]
    public async Task Thirty_aliases_pass()
    {
        AssertPasses(await ExecuteAsync(Aliased(30)));
    }

    [Fact]
    public async Task Thirty_one_aliases_are_refused_with_max_aliases_exceeded()
    {
        var error = AssertRefused(await ExecuteAsync(Aliased(31)), ErrorCodes.MaxAliasesExceeded);
        Assert.Equal("The query uses more than 30 aliases; at most 30 are allowed. Ask for fewer aliased fields, or split them over several queries.", error.Message);
    }

    [Fact]
    public async Task Aliases_count_in_every_place_a_fragment_is_spread()
    {
        var fragment = "fragment Names on Node { " + string.Join(' ', Enumerable.Range(1, 16).Select(i => $"n{i}: name")) + " }";

        AssertPasses(await ExecuteAsync("{ node { ...Names } } " + fragment));
        AssertRefused(await ExecuteAsync("{ node { ...Names child { ...Names } } } " + fragment), ErrorCodes.MaxAliasesExceeded);
    }

    [Fact]
    public async Task Only_the_operation_that_runs_is_measured()
    {
        var document = "query Small { node { id } } query Deep " + Nested(13);

        AssertPasses(await ExecuteAsync(document, operationName: "Small"));
        AssertRefused(await ExecuteAsync(document, operationName: "Deep"), ErrorCodes.MaxDepthExceeded);
    }

    [Fact]
    public async Task Limits_come_from_the_options()
    {
        var limits = new QueryLimitsOptions { MaxDepth = 3, MaxCost = 10, MaxAliases = 1 };

        AssertRefused(await ExecuteAsync(Nested(4), limits: limits), ErrorCodes.MaxDepthExceeded);
        AssertRefused(await ExecuteAsync("{ nodes(first: 10) { id } }", limits: limits), ErrorCodes.MaxCostExceeded);
        AssertRefused(await ExecuteAsync("{ a: node { id } b: node { id } }", limits: limits), ErrorCodes.MaxAliasesExceeded);
    }

    [Fact]
    public async Task A_field_asked_for_more_than_ten_times_at_one_place_is_refused_through_fragments_too()
    {
        AssertPasses(await ExecuteAsync("{ node { " + string.Concat(Enumerable.Repeat("id ", 10)) + "} }"));
        AssertRefused(await ExecuteAsync("{ node { " + string.Concat(Enumerable.Repeat("id ", 11)) + "} }"), ErrorCodes.MaxFieldRepeatsExceeded);

        // Two copies of node merge into one place, so their children are counted together.
        var fragments = "{ node { ...A } node { ...A } node { ...A } } fragment A on Node { name ...B } fragment B on Node { name }";
        AssertRefused(await ExecuteAsync(fragments, limits: new QueryLimitsOptions { MaxFieldRepeats = 5 }), ErrorCodes.MaxFieldRepeatsExceeded);
        AssertPasses(await ExecuteAsync(fragments, limits: new QueryLimitsOptions { MaxFieldRepeats = 6 }));
    }

    [Fact]
    public async Task A_list_written_in_the_document_longer_than_the_limit_is_refused()
    {
        var schema = SdlSchema.For("type Query { pick(ids: [ID!], nested: [[Int]]): Int }");
        var limits = new QueryLimitsOptions { MaxListItems = 3 };
        AssertPasses(await ExecuteAsync("{ pick(ids: [1, 2, 3], nested: [[1, 2, 3]]) }", limits: limits, schema: schema));
        AssertRefused(await ExecuteAsync("{ pick(ids: [1, 2, 3, 4]) }", limits: limits, schema: schema), ErrorCodes.MaxListItemsExceeded);
        AssertRefused(await ExecuteAsync("{ pick(nested: [[1], [1, 2, 3, 4]]) }", limits: limits, schema: schema), ErrorCodes.MaxListItemsExceeded);
    }

    [Fact]
    public async Task Ten_thousand_aliases_are_refused_without_hanging()
    {
        var query = "{ " + string.Join(' ', Enumerable.Range(0, 10_000).Select(i => $"a{i}: node {{ id }}")) + " }";

        var (result, elapsed) = await TimedAsync(() => ExecuteAsync(query));

        AssertRefused(result, ErrorCodes.MaxAliasesExceeded);
        Assert.True(elapsed < WithoutHanging, $"took {elapsed}");
    }

    [Fact]
    public void Ten_thousand_fields_under_one_alias_are_refused_without_hanging_before_validation()
    {
        // One response name 10,000 times: the core OverlappingFieldsCanBeMerged compares every pair (about 9 s), so
        // the endpoint measures the parsed document first and never hands such a document to the executer.
        var query = "{ " + Repeat("a: node { id } ", 10_000) + "}";
        var limits = new QueryLimits(Options.Create(new QueryLimitsOptions()));

        var stopwatch = Stopwatch.StartNew();
        var error = limits.FindLimitPassed(LimitsSchema, Parser.Parse(query), operationName: null, variables: null);
        stopwatch.Stop();

        output.WriteLine($"parsed and measured in {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(ErrorCodes.MaxAliasesExceeded, error?.Code);
        Assert.True(stopwatch.Elapsed < WithoutHanging, $"took {stopwatch.Elapsed}");
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("Small", null)]
    [InlineData("Deep", ErrorCodes.MaxDepthExceeded)]
    [InlineData("Missing", null)]
    public void Measuring_before_execution_picks_the_operation_the_executer_runs(string? operationName, string? code)
    {
        var limits = new QueryLimits(Options.Create(new QueryLimitsOptions()));
        var twoOperations = Parser.Parse("query Small { node { id } } query Deep " + Nested(13));

        // Without a name there is no single operation to run: the executer, not the limits, reports that.
        Assert.Equal(code, limits.FindLimitPassed(LimitsSchema, twoOperations, operationName, variables: null)?.Code);
    }

    [Fact]
    public void Measuring_before_execution_reads_variables_and_locates_the_field()
    {
        var limits = new QueryLimits(Options.Create(new QueryLimitsOptions()));
        var document = Parser.Parse("query Pages($n: Int) {\n  nodes(first: $n) {\n    children(first: $n) { id }\n  }\n}");

        Assert.Null(limits.FindLimitPassed(LimitsSchema, document, null, Json.Deserialize<Inputs>("""{ "n": 10 }""")));
        var error = limits.FindLimitPassed(LimitsSchema, document, null, Json.Deserialize<Inputs>("""{ "n": 100 }"""));

        Assert.Equal(ErrorCodes.MaxCostExceeded, error?.Code);
        var location = Assert.Single(error!.Locations!);
        Assert.Equal(3, location.Line);
    }

    [Fact]
    public async Task A_thousand_nested_selections_are_refused_without_hanging()
    {
        var query = Nested(1_000);

        // As text, the parse step's depth limit (128 AST levels) refuses it before anything walks it.
        var stopwatch = Stopwatch.StartNew();
        var asText = Assert.Throws<OperationRefusedException>(() => Documents.Parse(query)).Refusal;
        var textElapsed = stopwatch.Elapsed;
        Assert.Equal((400, ErrorCodes.MaxDepthExceeded), (asText.StatusCode, asText.Code));

        // Parsed without that limit, the limits measure it without recursion, before validation: the core rules walk a
        // document recursively, and 1,000 levels of that can overflow a thread's stack.
        var document = Parser.Parse(query, new ParserOptions { MaxDepth = 10_000 });
        var limits = new QueryLimits(Options.Create(new QueryLimitsOptions()));
        stopwatch.Restart();
        var refused = limits.FindLimitPassed(LimitsSchema, document, operationName: null, variables: null);
        var parsedElapsed = stopwatch.Elapsed;
        Assert.Equal(ErrorCodes.MaxDepthExceeded, refused?.Code);

        Assert.True(textElapsed < WithoutHanging, $"took {textElapsed}");
        Assert.True(parsedElapsed < WithoutHanging, $"took {parsedElapsed}");
    }

    [Fact]
    public async Task A_directive_repeated_a_thousand_times_is_refused_without_hanging()
    {
        // node, child with the directives, ten more children and id: 13 levels.
        var query = "{ node { child " + Repeat("@include(if: true) ", 1_000) + "{ " + Repeat("child { ", 10) + "id" + Repeat(" }", 10) + " } } }";

        var (result, elapsed) = await TimedAsync(() => ExecuteAsync(query));

        AssertRefused(result, ErrorCodes.MaxDepthExceeded);
        Assert.True(elapsed < WithoutHanging, $"took {elapsed}");
    }

    [Theory]
    [InlineData("{ node { ...A } } fragment A on Node { ...A }")]
    [InlineData("{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { ...A } }")]
    [InlineData("{ node { ...A ...B } } fragment A on Node { id ...B } fragment B on Node { name ...A }")]
    public async Task A_fragment_cycle_is_reported_without_hanging(string query)
    {
        var (result, elapsed) = await TimedAsync(() => ExecuteAsync(query));

        Assert.False(result.Executed);
        Assert.Contains(result.Errors!, e => e.Message.Contains("cannot spread fragment", StringComparison.OrdinalIgnoreCase));
        Assert.True(elapsed < WithoutHanging, $"took {elapsed}");
    }

    [Fact]
    public async Task A_fragment_bomb_is_refused_at_the_cost_limit()
    {
        // F30 expands to 2^30 copies of F0; the measure stops at 5,000.
        var fragments = new StringBuilder("fragment F0 on Node { id name }");
        for (var i = 1; i <= 30; i++)
        {
            fragments.Append(CultureInfo.InvariantCulture, $" fragment F{i} on Node {{ ...F{i - 1} child {{ ...F{i - 1} }} }}");
        }

        var (result, elapsed) = await TimedAsync(() => ExecuteAsync("{ node { ...F30 } } " + fragments));

        Assert.Contains(result.Errors!, e => e.Code is ErrorCodes.MaxCostExceeded or ErrorCodes.MaxDepthExceeded);
        Assert.True(elapsed < WithoutHanging, $"took {elapsed}");
    }

    [Fact]
    public async Task A_client_past_its_burst_waits_while_another_client_gets_through()
    {
        var limiter = new LocalClientRateLimiter(Options.Create(new QueryLimitsOptions { Burst = 3, RequestsPerMinute = 60 }), new FakeTimeProvider());

        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await limiter.TryTakeAsync("world-vision-th"));
        }

        Assert.Equal(TimeSpan.FromSeconds(1), await limiter.TryTakeAsync("world-vision-th"));
        Assert.Null(await limiter.TryTakeAsync("msdhs-atd"));
    }

    [Fact]
    public async Task A_client_gets_requests_back_at_the_configured_rate_and_no_more_than_its_burst()
    {
        // 600 a minute is one every 100 ms.
        var clock = new FakeTimeProvider();
        var limiter = new LocalClientRateLimiter(Options.Create(new QueryLimitsOptions { Burst = 2, RequestsPerMinute = 600 }), clock);
        Assert.Null(await limiter.TryTakeAsync("msdhs-atd"));
        Assert.Null(await limiter.TryTakeAsync("msdhs-atd"));
        Assert.Equal(TimeSpan.FromMilliseconds(100), await limiter.TryTakeAsync("msdhs-atd"));

        clock.Advance(TimeSpan.FromMilliseconds(99));
        Assert.NotNull(await limiter.TryTakeAsync("msdhs-atd"));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await limiter.TryTakeAsync("msdhs-atd"));

        // An hour idle refills the bucket to its burst, not beyond.
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Null(await limiter.TryTakeAsync("msdhs-atd"));
        Assert.Null(await limiter.TryTakeAsync("msdhs-atd"));
        Assert.NotNull(await limiter.TryTakeAsync("msdhs-atd"));
    }

    [Fact]
    public async Task Paced_work_waits_for_the_rate_instead_of_being_refused()
    {
        var clock = new FakeTimeProvider();
        var limiter = new LocalClientRateLimiter(Options.Create(new QueryLimitsOptions { Burst = 1, RequestsPerMinute = 60 }), clock);
        await limiter.TakeAsync("msdhs-atd", clock, CancellationToken.None);

        var second = limiter.TakeAsync("msdhs-atd", clock, CancellationToken.None);
        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Rate_limits_below_one_are_refused_when_the_limiter_is_made()
    {
        Assert.Throws<OptionsValidationException>(() => new LocalClientRateLimiter(Options.Create(new QueryLimitsOptions { Burst = 0 }), new FakeTimeProvider()));
    }

    private static readonly DocumentCache Documents = new(Options.Create(new DocumentCacheOptions()));

    /// <summary>
    /// A request as the pipeline runs it once it has a document: parsed by the parse step, measured by the limits, then
    /// validated and executed by the run step, each with the production class.
    /// </summary>
    private static async Task<ExecutionResult> ExecuteAsync(string query, string? variables = null, string? operationName = null, QueryLimitsOptions? limits = null, ISchema? schema = null)
    {
        schema ??= LimitsSchema;
        limits ??= new QueryLimitsOptions();

        // Read as the HTTP endpoint reads them, so numbers arrive as the JSON reader makes them.
        var request = new GraphQLRequest(query, operationName, variables is null ? null : Json.Deserialize<Inputs>(variables), null);
        var document = Documents.Parse(query);
        if (document is not null && new QueryLimits(Options.Create(limits)).FindLimitPassed(schema, document, operationName, request.Variables) is { } tooMuch)
        {
            return new ExecutionResult { Errors = [tooMuch] };
        }

        var runner = new GraphQLRunner(new DocumentExecuter(), new DocumentValidator(), new ServiceCollection().BuildServiceProvider(), Options.Create(limits));
        return await runner.ExecuteAsync(schema, new Dictionary<string, object?>(), request, document, CancellationToken.None);
    }

    private async Task<(ExecutionResult Result, TimeSpan Elapsed)> TimedAsync(Func<Task<ExecutionResult>> execute, [System.Runtime.CompilerServices.CallerMemberName] string test = "")
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await execute();
        stopwatch.Stop();
        output.WriteLine($"{test}: {stopwatch.Elapsed.TotalMilliseconds:F0} ms, {result.Errors?.Count ?? 0} errors, codes {string.Join(", ", result.Errors?.Select(e => e.Code).Distinct() ?? [])}");
        return (result, stopwatch.Elapsed);
    }

    /// <summary>A query whose deepest path is the given number of fields: node, then child after child, then id.</summary>
    private static string Nested(int levels) =>
        "{ node { " + Repeat("child { ", levels - 2) + "id" + Repeat(" }", levels - 2) + " } }";

    private static string Aliased(int count) =>
        "{ " + string.Join(' ', Enumerable.Range(1, count).Select(i => $"n{i}: node {{ id }}")) + " }";

    private static string Repeat(string text, int times) => string.Concat(Enumerable.Repeat(text, times));

    private static void AssertPasses(ExecutionResult result)
    {
        Assert.True(result.Errors is null || result.Errors.Count == 0, string.Join("; ", result.Errors?.Select(e => $"{e.Code}: {e.Message}") ?? []));
        Assert.True(result.Executed);
    }

    private static ExecutionError AssertRefused(ExecutionResult result, string code)
    {
        Assert.False(result.Executed);
        var error = Assert.Single(result.Errors!, e => e.Code == code);
        Assert.IsAssignableFrom<ValidationError>(error);
        return error;
    }
}
