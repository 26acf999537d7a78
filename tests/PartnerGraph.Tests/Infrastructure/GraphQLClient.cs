using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PartnerGraph.Tests.Infrastructure;

/// <summary>A GraphQL response as a partner receives it: status, content type and body.</summary>
public sealed record GraphQLResponse(HttpStatusCode Status, string? ContentType, JsonNode Body, HttpResponseMessage Message)
{
    public JsonNode? Data => Body["data"];

    public JsonArray? Errors => Body["errors"] as JsonArray;

    public string? FirstErrorCode => Errors?[0]?["extensions"]?["code"]?.GetValue<string>();

    /// <summary>Fails with the whole body when the response carries errors.</summary>
    public GraphQLResponse AssertNoErrors()
    {
        Assert.True(Errors is null, Body.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, Status);
        return this;
    }
}

/// <summary>Sends GraphQL requests as a partner system does, with its bearer token (none when token is null).</summary>
public sealed class GraphQLClient(HttpClient http, string? token)
{
    public HttpClient Http { get; } = http;

    public string? Token { get; } = token;

    public Task<GraphQLResponse> PostAsync(string query, object? variables = null, string accept = "application/graphql-response+json", string? operationName = null) =>
        SendAsync(WithAccept(new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query, variables, operationName }), Encoding.UTF8, "application/json"),
        }, accept));

    public Task<GraphQLResponse> PostRawAsync(string body, string? contentType = "application/json", string accept = "application/graphql-response+json")
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return SendAsync(WithAccept(new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = content }, accept));
    }

    public Task<GraphQLResponse> GetAsync(string query, string accept = "application/graphql-response+json") =>
        SendAsync(WithAccept(new HttpRequestMessage(HttpMethod.Get, "/graphql?query=" + Uri.EscapeDataString(query)), accept));

    /// <summary>The Accept header exactly as given, lists and weights included.</summary>
    private static HttpRequestMessage WithAccept(HttpRequestMessage request, string accept)
    {
        request.Headers.TryAddWithoutValidation("Accept", accept);
        return request;
    }

    public async Task<GraphQLResponse> SendAsync(HttpRequestMessage request)
    {
        if (Token is not null && request.Headers.Authorization is null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var body = text.Length == 0 ? new JsonObject() : JsonNode.Parse(text) ?? new JsonObject();
        return new GraphQLResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, response);
    }
}
