using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace PartnerGraph.Tests.Transport;

/// <summary>
/// One hostile or broken request and what a partner must get back: one of the statuses, and (where the server
/// answers with a body) errors that each carry extensions.code, the first one Code when it is given.
/// </summary>
/// <param name="Name">How the case is named in test results.</param>
/// <param name="Request">Builds the request for a server at the given address; the token is added by the runner.</param>
/// <param name="Statuses">The acceptable statuses; 200 only for application/json answers that carry errors.</param>
/// <param name="Code">The expected extensions.code of the first error, or null where a status alone is the answer (Kestrel's own 414).</param>
public sealed record BadInput(string Name, Func<Uri, HttpRequestMessage> Request, HttpStatusCode[] Statuses, string? Code)
{
    public override string ToString() => Name;
}

/// <summary>
/// The bad input corpus, as data: add a case here and every corpus test runs it against a started server. Each
/// case must get a clear 4xx or a GraphQL error with a code, and leave the server serving with its memory back
/// near where it was. (WebSocket frames join when that transport lands.)
/// </summary>
public static class BadInputCorpus
{
    private static readonly HttpStatusCode[] BadRequest = [HttpStatusCode.BadRequest];

    public static IReadOnlyList<BadInput> Http { get; } =
    [
        new("malformed JSON", Post("{ \"query\": { viewer } }"), BadRequest, "INVALID_JSON"),
        new("truncated JSON", Post("{\"query\":\"query($a:[Int]){ __typename }\",\"variables\":{\"a\":[1,2,"), BadRequest, "INVALID_JSON"),
        new("JSON with a lone surrogate escape", Post("{\"query\":\"{ province(code: \\\"\\ud800\\\") { code } }\"}"), BadRequest, "INVALID_JSON"),
        new("invalid UTF-8", PostBytes([.. "{\"query\":\"{ __typename }\",\"x\":\""u8.ToArray(), 0xC3, 0x28, 0xFF, .. "\"}"u8.ToArray()]), BadRequest, "INVALID_JSON"),
        new("UTF-16 body", PostBytes(Encoding.Unicode.GetBytes("{\"query\":\"{ __typename }\"}")), BadRequest, "INVALID_JSON"),
        new("NUL bytes in the document", Post("{\"query\":\"{ __typename \\u0000\\u0000 }\"}"), BadRequest, "SYNTAX_ERROR"),
        new("10 MB body with its length", PostBytes(TenMegabytes('a')), [HttpStatusCode.RequestEntityTooLarge], "REQUEST_TOO_LARGE"),
        new("10 MB body chunked, no length", PostChunked(TenMegabytes(' ')), [HttpStatusCode.RequestEntityTooLarge], "REQUEST_TOO_LARGE"),
        new("10 MB form to the token endpoint", TokenForm(new string('a', 10 * 1024 * 1024)), [HttpStatusCode.RequestEntityTooLarge], "REQUEST_TOO_LARGE"),
        new("100 KB form value to the token endpoint", TokenForm(new string('a', 100 * 1024)), [HttpStatusCode.RequestEntityTooLarge], "REQUEST_TOO_LARGE"),
        new("1,000 nested selections", PostQuery(Repeat("{ viewer ", 1_000) + Repeat("}", 1_000)), BadRequest, "MAX_DEPTH_EXCEEDED"),
        new("1,000 nested list literals", PostQuery("{ province(code: " + Repeat("[", 1_000) + Repeat("]", 1_000) + ") { code } }"), BadRequest, "MAX_DEPTH_EXCEEDED"),
        new("10,000 aliases", PostQuery("{ " + string.Join(' ', Enumerable.Range(0, 10_000).Select(i => $"a{i}:__typename")) + " }"), BadRequest, "MAX_ALIASES_EXCEEDED"),
        new("2,400 same-named fields with different arguments", PostQuery("{ " + string.Join(' ', Enumerable.Range(0, 2_400).Select(i => $"province(code: \"{i % 77 + 10}\") {{ code }}")) + " }"), BadRequest, "MAX_FIELD_REPEATS_EXCEEDED"),
        new("fragment cycle", PostQuery("{ ...A } fragment A on Query { viewer { clientId } ...B } fragment B on Query { ...A }"), BadRequest, "NO_FRAGMENT_CYCLES"),
        new("fragments that multiply (a billion fields)", PostQuery("{ ...F0 } " + string.Join(' ', Enumerable.Range(0, 30).Select(i => $"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}")) + " fragment F30 on Query { __typename }"), BadRequest, "MAX_COST_EXCEEDED"),
        new("a directive repeated 1,000 times", PostQuery("{ viewer " + Repeat("@include(if: true) ", 1_000) + "{ clientId } }"), BadRequest, "UNIQUE_DIRECTIVES_PER_LOCATION"),
        new("an unknown directive repeated 1,000 times", PostQuery("{ viewer " + Repeat("@x ", 1_000) + "{ clientId } }"), BadRequest, null),
        new("5,000 operations of one name", PostQuery(Repeat("query Q { __typename } ", 5_000), "Q"), BadRequest, "UNIQUE_OPERATION_NAMES"),
        new("a 200 KB string literal", PostQuery("{ province(code: \"" + new string('x', 200_000) + "\") { code } }"), [HttpStatusCode.OK, HttpStatusCode.BadRequest], "INVALID_PROVINCE_CODE"),
        new("100,000-element list variable", PostJson("{\"query\":\"query($p:[String!]){ caseStatistics(filter: { provinces: $p }, groupBy: []) { total { count } } }\",\"variables\":{\"p\":[" + string.Join(',', Enumerable.Repeat("1", 100_000)) + "]}}"), BadRequest, "MAX_LIST_ITEMS_EXCEEDED"),
        new("40,000 province codes in a filter", PostJson("{\"query\":\"query($p:[String!]){ caseStatistics(filter: { provinces: $p }, groupBy: []) { total { count } } }\",\"variables\":{\"p\":[" + string.Join(',', Enumerable.Repeat("\"50\"", 40_000)) + "]}}"), BadRequest, "MAX_LIST_ITEMS_EXCEEDED"),
        new("5,000 items in a list written in the document", PostQuery("{ caseStatistics(filter: { provinces: [" + Repeat("\"50\" ", 5_000) + "] }, groupBy: []) { total { count } } }"), BadRequest, "MAX_LIST_ITEMS_EXCEEDED"),
        new("10,000-deep nested JSON variables", PostJson("{\"query\":\"query($a:String){ __typename }\",\"variables\":{\"a\":" + Repeat("[", 10_000) + Repeat("]", 10_000) + "}}"), BadRequest, "INVALID_JSON"),
        new("10,000-deep nested JSON extensions", PostJson("{\"query\":\"{ __typename }\",\"extensions\":{\"a\":" + Repeat("{\"a\":", 10_000) + "1" + Repeat("}", 10_000) + "}}"), BadRequest, "INVALID_JSON"),
        new("wrong variable type", PostJson("{\"query\":\"query($n:Int){ referrals(first: $n) { totalCount } }\",\"variables\":{\"n\":\"twenty\"}}"), BadRequest, "INVALID_VALUE"),
        new("variable of an input object given a list", PostJson("{\"query\":\"query($f:CaseStatisticsFilter){ caseStatistics(filter: $f, groupBy: []) { total { count } } }\",\"variables\":{\"f\":[1,2,3]}}"), BadRequest, "INVALID_VALUE"),
        new("integer variable past Int", PostJson("{\"query\":\"query($n:Int){ referrals(first: $n) { totalCount } }\",\"variables\":{\"n\":1e400}}"), BadRequest, null),
        new("subscription over plain POST", PostQuery("subscription { referralStatusChanged { sequence status } }"), BadRequest, "SUBSCRIPTION_REQUIRES_STREAM"),
        new("subscription over GET", GetQuery("subscription { referralStatusChanged { sequence status } }"), [HttpStatusCode.MethodNotAllowed], "METHOD_NOT_ALLOWED"),
        new("GET with a 100 KB query string", GetQuery("{ " + string.Join(' ', Enumerable.Range(0, 10_000).Select(i => $"a{i}:__typename")) + " }"), [HttpStatusCode.RequestUriTooLong], null),
        new("GET with 5 KB of aliases", GetQuery("{ " + string.Join(' ', Enumerable.Range(0, 400).Select(i => $"a{i}:__typename")) + " }"), BadRequest, "MAX_ALIASES_EXCEEDED"),
        new("GET with deeply nested variables", GetRaw("query=" + Uri.EscapeDataString("query($a:String){ __typename }") + "&variables=" + Uri.EscapeDataString("{\"a\":" + Repeat("[", 1_000) + Repeat("]", 1_000) + "}")), BadRequest, "INVALID_JSON"),
        new("recordCase with personal data and a 100 KB field", PostJson("{\"query\":\"mutation($i:RecordCaseInput!){ recordCase(input: $i) { recorded } }\",\"variables\":{\"i\":{\"identifiedOn\":\"2025-06-30\",\"province\":\"TH-63\",\"ageBand\":\"AGE_12_14\",\"sex\":\"FEMALE\",\"nationality\":\"" + new string('1', 100_000) + "\",\"populationGroup\":\"URBAN\",\"migrationStatus\":\"UNKNOWN\",\"exploitationType\":\"LABOUR\",\"victimStatus\":\"VICTIM\",\"identificationSource\":\"POLICE\"}}}"), [HttpStatusCode.OK, HttpStatusCode.BadRequest], null),
    ];

    private static string Repeat(string text, int times) => new StringBuilder(text.Length * times).Insert(0, text, times).ToString();

    private static byte[] TenMegabytes(char fill) =>
        [.. "{\"query\":\"{ __typename }\",\"x\":\""u8.ToArray(), .. Encoding.ASCII.GetBytes(new string(fill, 10 * 1024 * 1024)), .. "\"}"u8.ToArray()];

    private static Func<Uri, HttpRequestMessage> PostQuery(string query, string? operationName = null) =>
        PostJson(System.Text.Json.JsonSerializer.Serialize(new { query, operationName }));

    private static Func<Uri, HttpRequestMessage> PostJson(string json) => PostBytes(Encoding.UTF8.GetBytes(json));

    private static Func<Uri, HttpRequestMessage> Post(string body) => PostBytes(Encoding.UTF8.GetBytes(body));

    private static Func<Uri, HttpRequestMessage> PostBytes(byte[] body) => server =>
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return Accepting(new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/graphql")) { Content = content });
    };

    private static Func<Uri, HttpRequestMessage> PostChunked(byte[] body) => server =>
    {
        var content = new StreamContent(new UnknownLengthStream(body));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = Accepting(new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/graphql")) { Content = content });
        request.Headers.TransferEncodingChunked = true;
        return request;
    };

    private static Func<Uri, HttpRequestMessage> TokenForm(string padding) => server =>
    {
        var content = new StringContent("grant_type=client_credentials&client_id=x&client_secret=" + padding, Encoding.ASCII, "application/x-www-form-urlencoded");
        return new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/connect/token")) { Content = content };
    };

    private static Func<Uri, HttpRequestMessage> GetQuery(string query) => GetRaw("query=" + Uri.EscapeDataString(query));

    private static Func<Uri, HttpRequestMessage> GetRaw(string queryString) => server =>
        Accepting(new HttpRequestMessage(HttpMethod.Get, new Uri(server, "/graphql?" + queryString)));

    private static HttpRequestMessage Accepting(HttpRequestMessage request)
    {
        request.Headers.TryAddWithoutValidation("Accept", "application/graphql-response+json");
        return request;
    }

    /// <summary>A body whose length the client cannot know, so it goes chunked.</summary>
    internal sealed class UnknownLengthStream(byte[] body) : MemoryStream(body)
    {
        public override bool CanSeek => false;
    }
}
