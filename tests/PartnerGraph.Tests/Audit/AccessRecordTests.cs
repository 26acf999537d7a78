using System.Security.Cryptography;
using System.Text;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser;
using PartnerGraph.Domain.Audit;
using PartnerGraph.GraphQL.Audit;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.Identity;
using MiniSchema = GraphQL.Types.Schema;

namespace PartnerGraph.Tests.Audit;

public sealed class AccessRecordTests
{
    private const string NationalId = "1234567890123";

    private static AccessRecord Describe(string query, ExecutionResult? result, string? operationName = null, Inputs? variables = null) =>
        AccessRecord.Describe(Parser.Parse(query), operationName, query, result, variables);

    private static ExecutionResult Executed(Dictionary<string, object?>? data = null, params ExecutionError[] errors)
    {
        var result = new ExecutionResult { Executed = true, Data = data ?? [] };
        foreach (var error in errors)
        {
            result.AddError(error);
        }

        return result;
    }

    private static Inputs Variables(params (string Name, object? Value)[] values) =>
        new(values.ToDictionary(v => v.Name, v => v.Value));

    [Fact]
    public void Datasets_come_from_the_root_fields_of_the_operation_that_runs_sorted_and_distinct()
    {
        const string query = """
            query Referrals { r: referrals { totalCount } referral(id: "x") { id } ...Coverage ... on Query { accessLog { totalCount } } }
            query Statistics { caseStatistics(groupBy: []) { total { count } } }
            fragment Coverage on Query { programmes { totalCount } organisations { totalCount } }
            """;

        var record = Describe(query, Executed(), "Referrals");

        Assert.Equal("Referrals", record.OperationName);
        Assert.Equal("query", record.OperationType);
        Assert.Equal("audit coverage referrals", record.Datasets);
    }

    [Theory]
    [InlineData("{ coverageGaps(period: { from: \"2025-01-01\", to: \"2025-12-31\" }, level: PROVINCE) { count } }", "query", "coverage statistics")]
    [InlineData("mutation { recordCase(input: {}) { id } }", "mutation", "cases")]
    [InlineData("mutation { acceptReferral(input: {}) { id } approveCoverageReport(input: {}) { id } }", "mutation", "coverage referrals")]
    [InlineData("subscription { referralStatusChanged { sequence } }", "subscription", "referrals")]
    [InlineData("{ __typename viewer { organisation { slug } } provinces { code } }", "query", null)]
    public void Each_root_field_names_its_dataset(string query, string operationType, string? datasets)
    {
        var record = Describe(query, Executed());

        Assert.Equal(operationType, record.OperationType);
        Assert.Equal(datasets, record.Datasets);
    }

    [Fact]
    public void Without_an_operation_that_would_run_there_is_no_operation_type_nor_datasets()
    {
        var record = Describe("query A { referrals { totalCount } } query B { programmes { totalCount } }", null);

        Assert.Null(record.OperationType);
        Assert.Null(record.OperationName);
        Assert.Null(record.Datasets);
        Assert.NotNull(record.DocumentHash);
    }

    [Fact]
    public void Dimensions_come_from_groupBy_literals_and_variables_in_order()
    {
        const string query = """
            query Stats($dimensions: [CaseDimension!]!, $coverage: [CoverageDimension!]! = [YEAR]) {
              caseStatistics(groupBy: $dimensions) { total { count } }
              programmeCoverage(programmeCode: "PREVENTION-SCHOOL", groupBy: [PROVINCE, QUARTER]) { reports }
              more: programmeCoverage(programmeCode: "PREVENTION-SCHOOL", groupBy: $coverage) { reports }
            }
            """;

        var record = Describe(query, Executed(), variables: Variables(("dimensions", new List<object?> { "SEX", "AGE_BAND", "PROVINCE" })));

        Assert.Equal("SEX AGE_BAND PROVINCE QUARTER YEAR", record.Dimensions);
        Assert.Equal("coverage statistics", record.Datasets);
    }

    [Fact]
    public void A_single_enum_value_in_a_variable_counts_as_a_list_of_one()
    {
        var record = Describe("query($g: [CaseDimension!]!) { caseStatistics(groupBy: $g) { total { count } } }", Executed(), variables: Variables(("g", "MONTH")));

        Assert.Equal("MONTH", record.Dimensions);
    }

    [Fact]
    public void Dimensions_of_a_request_that_was_not_executed_are_not_recorded()
    {
        var record = Describe("{ caseStatistics(groupBy: [PROVINCE]) { total { count } } }", new ExecutionResult { Executed = false });

        Assert.Null(record.Dimensions);
        Assert.Equal("statistics", record.Datasets);
    }

    [Fact]
    public void Rows_count_the_nodes_or_edges_of_connections_the_items_of_lists_and_one_per_object()
    {
        var data = new Dictionary<string, object?>
        {
            ["referrals"] = new Dictionary<string, object?> { ["totalCount"] = 600, ["nodes"] = new List<object?> { new Dictionary<string, object?>(), new Dictionary<string, object?>(), new Dictionary<string, object?>() } },
            ["programmes"] = new Dictionary<string, object?> { ["edges"] = new List<object?> { new Dictionary<string, object?>(), new Dictionary<string, object?>() } },
            ["provinces"] = new List<object?> { "a", "b", "c", "d" },
            ["province"] = new Dictionary<string, object?> { ["code"] = "TH-38" },
            ["referral"] = null,
        };

        var record = Describe("{ referrals { totalCount nodes { id } } programmes { edges { cursor } } provinces { code } province(code: \"38\") { code } referral(id: \"x\") { id } }", Executed(data));

        Assert.Equal(3 + 2 + 4 + 1 + 0, record.RowsReturned);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Rows_are_read_from_the_result_the_executer_returns(bool planned)
    {
        const string query = "{ r: referrals { totalCount items: nodes { name } } count: referrals { totalCount } provinces { name } viewer { name } organisation { name } __typename }";
        var result = await ExecuteAsync(query, planned);

        var record = Describe(query, result);

        Assert.Null(result.Errors);
        Assert.Equal(AccessOutcome.Allowed, record.Outcome);
        Assert.Equal(3 + 0 + 2 + 1 + 0 + 0, record.RowsReturned);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_resolver_that_throws_is_a_failure_with_the_code_the_partner_sees(bool planned)
    {
        const string query = "{ provinces { name } broken { name } }";
        var result = await ExecuteAsync(query, planned);

        var record = Describe(query, result);

        Assert.Equal(AccessOutcome.Failed, record.Outcome);
        Assert.Equal("INTERNAL_ERROR", record.ErrorCodes);
        Assert.Equal(2, record.RowsReturned);
    }

    [Theory]
    [InlineData("{ referrals { totalCount ", "SYNTAX_ERROR")]
    [InlineData("{ nothing }", "FIELDS_ON_CORRECT_TYPE")]
    public async Task A_request_the_executer_refuses_is_refused_with_its_codes(string query, string code)
    {
        var result = await ExecuteAsync(query);

        var record = AccessRecord.Describe(null, null, query, result);

        Assert.False(result.Executed);
        Assert.Equal(AccessOutcome.Refused, record.Outcome);
        Assert.Equal(code, record.ErrorCodes);
        Assert.Equal(AccessRecord.Hash(query), record.DocumentHash);
    }

    [Fact]
    public void The_document_hash_is_the_lowercase_hex_SHA256_of_the_UTF8_text()
    {
        const string query = "{ province(code: \"TH-50\") { nameTh } } # เชียงใหม่";

        var record = Describe(query, Executed());

        Assert.Equal(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(query))).ToLowerInvariant(), record.DocumentHash);
        Assert.Matches("^[0-9a-f]{64}$", record.DocumentHash);
    }

    [Fact]
    public void No_value_of_a_variable_or_of_a_literal_reaches_the_entry()
    {
        const string query = """
            query Find($org: String, $g: [CaseDimension!]!) {
              referrals(filter: { organisation: $org }) { nodes { reference } }
              byLiteral: referrals(filter: { organisation: "1234567890123" }) { totalCount }
              caseStatistics(groupBy: $g) { total { count } }
            }
            """;
        var variables = Variables(("org", NationalId), ("g", new List<object?> { "PROVINCE", NationalId, "1234567890123 SEX" }));
        var caller = new Caller("wvft", "demo-ngo-partner", null, new HashSet<string>());

        var records = new[]
        {
            Describe(query, Executed(), "Find", variables),
            Describe(query, Executed(null, new ExecutionError("no") { Code = "UNKNOWN_ORGANISATION" }), "Find", variables),
            Describe(query, new ExecutionResult { Executed = false }, NationalId, variables),
            AccessRecord.Refused("REQUEST_TOO_LARGE", Parser.Parse(query), NationalId, query),
        };

        Assert.Equal("PROVINCE", records[0].Dimensions);
        foreach (var record in records)
        {
            var entry = record.ToEntry(caller, DateTime.UtcNow, TimeSpan.FromMilliseconds(5));
            var texts = typeof(AccessRecord).GetProperties().Where(p => p.PropertyType == typeof(string)).Select(p => p.GetValue(record))
                .Concat(typeof(AccessLogEntry).GetProperties().Where(p => p.PropertyType == typeof(string)).Select(p => p.GetValue(entry)))
                .OfType<string>()
                .ToList();
            Assert.NotEmpty(texts);
            Assert.All(texts, text => Assert.DoesNotContain(NationalId, text, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void An_operation_name_that_is_not_a_GraphQL_name_is_not_recorded()
    {
        Assert.Null(AccessRecord.Refused("UNAUTHENTICATED", operationName: "call 081-234-5678").OperationName);
        Assert.Equal("MyQuery_2", AccessRecord.Refused("UNAUTHENTICATED", operationName: "MyQuery_2").OperationName);
    }

    [Fact]
    public void A_result_without_errors_is_allowed()
    {
        var record = Describe("{ referrals { totalCount } }", Executed());

        Assert.Equal(AccessOutcome.Allowed, record.Outcome);
        Assert.Null(record.ErrorCodes);
    }

    [Fact]
    public void An_executed_result_with_errors_failed_with_its_distinct_codes()
    {
        var record = Describe(
            "{ referrals(first: 500) { totalCount } }",
            Executed(null, new ExecutionError("a") { Code = "PAGE_SIZE_TOO_LARGE" }, new ExecutionError("b") { Code = "INVALID_CURSOR" }, new ExecutionError("c") { Code = "PAGE_SIZE_TOO_LARGE" }));

        Assert.Equal(AccessOutcome.Failed, record.Outcome);
        Assert.Equal("PAGE_SIZE_TOO_LARGE INVALID_CURSOR", record.ErrorCodes);
    }

    [Fact]
    public void A_request_that_was_not_executed_or_has_no_result_is_refused()
    {
        var notExecuted = Describe("{ referrals { totalCount } }", new ExecutionResult { Executed = false, Errors = [new ExecutionError("bad") { Code = "INVALID_VALUE" }] });
        var noResult = Describe("{ referrals { totalCount } }", null);

        Assert.Equal(AccessOutcome.Refused, notExecuted.Outcome);
        Assert.Equal("INVALID_VALUE", notExecuted.ErrorCodes);
        Assert.Equal(0, notExecuted.RowsReturned);
        Assert.Equal(AccessOutcome.Refused, noResult.Outcome);
    }

    [Fact]
    public void An_http_refusal_records_its_code_and_what_was_read_of_the_request()
    {
        var bare = AccessRecord.Refused("UNAUTHENTICATED");
        var readFirst = AccessRecord.Refused("METHOD_NOT_ALLOWED", Parser.Parse("mutation M { createReferral(input: {}) { id } }"), "M", "mutation M { createReferral(input: {}) { id } }");

        Assert.Equal(AccessOutcome.Refused, bare.Outcome);
        Assert.Equal("UNAUTHENTICATED", bare.ErrorCodes);
        Assert.Null(bare.OperationType);
        Assert.Null(bare.DocumentHash);
        Assert.Null(bare.Datasets);
        Assert.Equal(0, bare.RowsReturned);
        Assert.Equal(AccessOutcome.Refused, readFirst.Outcome);
        Assert.Equal("mutation", readFirst.OperationType);
        Assert.Equal("M", readFirst.OperationName);
        Assert.Equal("referrals", readFirst.Datasets);
    }

    [Fact]
    public void An_exception_around_execution_is_a_failure()
    {
        var record = AccessRecord.Failed("INTERNAL_ERROR");

        Assert.Equal(AccessOutcome.Failed, record.Outcome);
        Assert.Equal("INTERNAL_ERROR", record.ErrorCodes);
    }

    [Fact]
    public void The_entry_names_the_caller_the_time_the_duration_and_the_suppressed_cells()
    {
        var record = Describe("{ caseStatistics(groupBy: [SEX]) { total { count } } }", Executed());
        var disclosure = new DisclosureAccount();
        disclosure.AddCellsSuppressed(3);
        disclosure.AddCellsSuppressed(4);
        var at = new DateTime(2026, 3, 1, 9, 30, 0, DateTimeKind.Utc);

        var entry = record.ToEntry(new Caller("atd", "demo-government-analyst", "analyst-42", new HashSet<string>()), at, TimeSpan.FromMilliseconds(12.6), disclosure);
        var anonymous = AccessRecord.Refused("UNAUTHENTICATED").ToEntry(null, at, TimeSpan.Zero);

        Assert.Equal(("atd", "demo-government-analyst", "analyst-42"), (entry.OrganisationId, entry.ClientId, entry.PersonId));
        Assert.Equal(at, entry.At);
        Assert.Equal(13, entry.DurationMs);
        Assert.Equal(7, entry.CellsSuppressed);
        Assert.Equal("SEX", entry.Dimensions);
        Assert.Equal(AccessOutcome.Allowed, entry.Outcome);
        Assert.Null(anonymous.OrganisationId);
        Assert.Null(anonymous.ClientId);
    }

    /// <summary>Runs by GraphQL.NET's own strategy (an execution node tree), or by the server's (a planned answer).</summary>
    private static Task<ExecutionResult> ExecuteAsync(string query, bool planned = false) =>
        (planned
            ? new DocumentExecuter(new GraphQLDocumentBuilder(), new DocumentValidator(), new DefaultExecutionStrategySelector([new ExecutionStrategyRegistration(new QueryExecutionStrategy(), GraphQLParser.AST.OperationType.Query)]), [])
            : new DocumentExecuter()).ExecuteAsync(new ExecutionOptions { Schema = new MiniSchema { Query = new MiniQuery() }, Query = query });

    private sealed class ItemType : ObjectGraphType<string>
    {
        public ItemType()
        {
            Name = "Item";
            Field<NonNullGraphType<StringGraphType>, string>("name").Resolve(c => c.Source);
        }
    }

    private sealed class ItemConnectionType : ObjectGraphType<string[]>
    {
        public ItemConnectionType()
        {
            Name = "ItemConnection";
            Field<NonNullGraphType<IntGraphType>, int>("totalCount").Resolve(c => c.Source.Length);
            Field<NonNullGraphType<ListGraphType<NonNullGraphType<ItemType>>>, string[]>("nodes").Resolve(c => c.Source);
        }
    }

    private sealed class MiniQuery : ObjectGraphType
    {
        public MiniQuery()
        {
            Name = "Query";
            Field<NonNullGraphType<ItemConnectionType>, string[]>("referrals").Resolve(_ => ["a", "b", "c"]);
            Field<ListGraphType<ItemType>, string[]>("provinces").Resolve(_ => ["x", "y"]);
            Field<ItemType, string>("viewer").Resolve(_ => "v");
            Field<ItemType, string?>("organisation").Resolve(_ => null);
            Field<ItemType, string>("broken").Resolve(_ => throw new InvalidOperationException("boom"));
        }
    }
}
