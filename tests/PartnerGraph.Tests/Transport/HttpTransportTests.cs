using System.Net;
using System.Text;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Transport;

/// <summary>GraphQL over HTTP as the specification asks, and bad input refused with a status and a code.</summary>
public sealed class HttpTransportTests(AppFixture server) : IClassFixture<AppFixture>
{
    private GraphQLClient Client => server.Client;

    [Fact]
    public async Task Post_answers_graphql_response_json_when_asked()
    {
        var response = await Client.PostAsync("{ provinces { code } }");
        response.AssertNoErrors();
        Assert.Equal("application/graphql-response+json", response.ContentType);
        Assert.Equal(77, response.Data!["provinces"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("application/json", "application/json")]
    [InlineData("*/*", "application/json")]
    [InlineData("application/graphql-response+json, application/json;q=0.9", "application/graphql-response+json")]
    [InlineData("application/json, application/graphql-response+json;q=0.5", "application/json")]
    public async Task Accept_header_chooses_the_response_type(string accept, string expected)
    {
        var response = await Client.PostAsync("{ __typename }", accept: accept);
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(expected, response.ContentType);
    }

    public const string UrqlAccept = "application/graphql-response+json, application/graphql+json, application/json, text/event-stream, multipart/mixed";

    [Theory]
    [InlineData(UrqlAccept, "application/graphql-response+json")]
    [InlineData("text/event-stream;q=0.1, application/json", "application/json")]
    [InlineData("text/event-stream, application/json;q=0.1", "application/json")]
    [InlineData("text/event-stream, application/graphql-response+json;q=0.2, application/json;q=0.3", "application/json")]
    [InlineData("application/json, application/graphql-response+json", "application/json")]
    [InlineData("application/json;q=0, */*", "application/graphql-response+json")]
    [InlineData("application/*;q=0.5, application/graphql-response+json;q=0.4", "application/json")]
    [InlineData("text/event-stream", "text/event-stream")]
    [InlineData("application/json;q=0, text/event-stream", "text/event-stream")]
    public async Task A_query_gets_json_whenever_a_json_type_is_acceptable_by_q_values_and_order(string accept, string expected)
    {
        foreach (var query in new[] { "{ __typename }", "mutation { __typename }" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(new { query }), Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("Accept", accept);
            request.Headers.Authorization = new("Bearer", Client.Token);
            using var response = await Client.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(expected, response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("\"__typename\"", body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(UrqlAccept)]
    [InlineData("application/json, text/event-stream;q=0.1")]
    public async Task A_subscription_gets_an_event_stream_when_the_client_accepts_one_among_json_types(string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query":"subscription { referralStatusChanged { sequence } }"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Accept", accept);
        request.Headers.Authorization = new("Bearer", Client.Token);
        using var response = await Client.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Unacceptable_accept_header_gets_406()
    {
        var response = await Client.PostAsync("{ __typename }", accept: "text/plain");
        Assert.Equal(HttpStatusCode.NotAcceptable, response.Status);
        Assert.Equal("NOT_ACCEPTABLE", response.FirstErrorCode);
    }

    [Fact]
    public async Task Get_serves_queries()
    {
        var response = await Client.GetAsync("{ province(code: \"TH-50\") { nameEn } }");
        response.AssertNoErrors();
        Assert.Equal("Chiang Mai", response.Data!["province"]!["nameEn"]!.GetValue<string>());
    }

    [Fact]
    public async Task Get_refuses_a_mutation_with_405_and_allow_post()
    {
        var response = await Client.GetAsync("mutation { __typename }");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.Status);
        Assert.Equal("POST", response.Message.Content.Headers.Allow.Single());
        Assert.Equal("METHOD_NOT_ALLOWED", response.FirstErrorCode);
    }

    [Fact]
    public async Task Other_methods_get_405()
    {
        var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/graphql") { Content = new StringContent("{}", Encoding.UTF8, "application/json") });
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.Status);
        Assert.Equal("METHOD_NOT_ALLOWED", response.FirstErrorCode);
    }

    [Theory]
    [InlineData("{ \"query\": ", "INVALID_JSON")]
    [InlineData("{ \"query\": \"{ __typename }\" ", "INVALID_JSON")]
    [InlineData("[{ \"query\": \"{ __typename }\" }]", "BAD_REQUEST")]
    [InlineData("{ \"query\": 5 }", "BAD_REQUEST")]
    [InlineData("{ \"qeury\": \"{ __typename }\" }", "BAD_REQUEST")]
    [InlineData("{ \"query\": \"{ __typename }\", \"variables\": \"x\" }", "BAD_REQUEST")]
    [InlineData("{ \"query\": \"{ __typename }\", \"operationName\": 1 }", "BAD_REQUEST")]
    [InlineData("", "BAD_REQUEST")]
    public async Task Malformed_request_gets_400_with_a_code(string body, string code)
    {
        var response = await Client.PostRawAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(code, response.FirstErrorCode);
    }

    [Fact]
    public async Task Invalid_utf8_gets_400()
    {
        var content = new ByteArrayContent([.. "{\"query\":\"{ __typename }\", \"x\": \""u8.ToArray(), 0xC3, 0x28, .. "\"}"u8.ToArray()]);
        content.Headers.ContentType = new("application/json");
        var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = content });
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("INVALID_JSON", response.FirstErrorCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=latin1")]
    [InlineData(null)]
    public async Task Wrong_content_type_gets_415(string? contentType)
    {
        var response = await Client.PostRawAsync("{ \"query\": \"{ __typename }\" }", contentType);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.Status);
        Assert.Equal("UNSUPPORTED_MEDIA_TYPE", response.FirstErrorCode);
    }

    [Fact]
    public async Task Oversized_body_gets_413()
    {
        var padding = new string(' ', 300 * 1024);
        var response = await Client.PostRawAsync("{ \"query\": \"{ __typename }\"" + padding + "}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal("REQUEST_TOO_LARGE", response.FirstErrorCode);
    }

    [Fact]
    public async Task Parse_error_is_400_without_data_for_graphql_response_json_and_200_for_json()
    {
        var strict = await Client.PostAsync("{ provinces { code }");
        Assert.Equal(HttpStatusCode.BadRequest, strict.Status);
        Assert.Null(strict.Body["data"]);
        Assert.Equal("SYNTAX_ERROR", strict.FirstErrorCode);

        var legacy = await Client.PostAsync("{ provinces { code }", accept: "application/json");
        Assert.Equal(HttpStatusCode.OK, legacy.Status);
        Assert.Equal("SYNTAX_ERROR", legacy.FirstErrorCode);
    }

    [Fact]
    public async Task Unknown_field_fails_validation_with_a_code()
    {
        var response = await Client.PostAsync("{ children { name } }");
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Null(response.Body["data"]);
        Assert.Equal("FIELDS_ON_CORRECT_TYPE", response.FirstErrorCode);
        Assert.StartsWith("Cannot query field 'children'", response.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_operation_name_is_a_request_error_with_a_code()
    {
        var response = await Client.PostAsync("query A { __typename } query B { __typename }", operationName: "C");
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.NotNull(response.FirstErrorCode);
        Assert.Contains("C", response.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Variable_of_the_wrong_type_is_a_request_error_with_a_code()
    {
        var response = await Client.PostAsync("query P($code: String!) { province(code: $code) { nameEn } }", new { code = new[] { 1, 2 } });
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Null(response.Body["data"]);
        Assert.Equal("INVALID_VALUE", response.FirstErrorCode);
    }

    [Fact]
    public async Task Page_size_over_the_maximum_is_refused_with_a_code()
    {
        var response = await Client.PostAsync("{ referrals(first: 101) { nodes { id } } }");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("PAGE_SIZE_TOO_LARGE", response.FirstErrorCode);
        Assert.Equal(100, response.Errors![0]!["extensions"]!["limit"]!.GetValue<int>());
        Assert.Equal(101, response.Errors![0]!["extensions"]!["value"]!.GetValue<int>());
        Assert.Null(response.Data);
    }

    [Theory]
    [InlineData("TH-99", "UNKNOWN_PROVINCE")]
    [InlineData("99", "UNKNOWN_PROVINCE")]
    [InlineData("Chiang Mai", "INVALID_PROVINCE_CODE")]
    [InlineData("TH-5", "INVALID_PROVINCE_CODE")]
    public async Task Unknown_province_code_gets_an_error_with_a_code(string code, string expected)
    {
        var response = await Client.PostAsync("query P($code: String!) { province(code: $code) { nameEn } }", new { code });
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(expected, response.FirstErrorCode);
        Assert.Null(response.Data!["province"]);
    }

    [Fact]
    public async Task Server_keeps_serving_after_bad_input()
    {
        foreach (var body in new[] { "{", "[]", "{\"query\": null}", "\u0000\u0001" })
        {
            await Client.PostRawAsync(body);
        }

        (await Client.PostAsync("{ provinces { code } }")).AssertNoErrors();
    }

    [Theory]
    [InlineData("081-234-5678")]
    [InlineData("someone@example.org")]
    [InlineData("1101700230706")]
    public async Task A_value_that_cannot_be_converted_is_not_repeated_in_the_error(string value)
    {
        var asVariable = await Client.PostAsync("query($d: Date!) { programmeCoverage(programmeCode: \"PREVENTION-SCHOOL\", period: { from: $d, to: $d }, groupBy: []) { reports } }", new { d = value });
        var asLiteral = await Client.PostAsync($"{{ programmeCoverage(programmeCode: \"PREVENTION-SCHOOL\", period: {{ from: \"{value}\", to: \"2025-01-01\" }}, groupBy: []) {{ reports }} }}");
        foreach (var response in new[] { asVariable, asLiteral })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.Status);
            Assert.NotNull(response.FirstErrorCode);
            Assert.DoesNotContain(value, response.Body.ToJsonString(), StringComparison.Ordinal);
        }
    }
}
