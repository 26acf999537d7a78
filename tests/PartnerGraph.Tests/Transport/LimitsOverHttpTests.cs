using System.Net;
using System.Text;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Transport;

/// <summary>The limits as a partner meets them: a status, a code, and a server that keeps serving.</summary>
public sealed class LimitsOverHttpTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Too_deep_a_query_is_refused_with_MAX_DEPTH_EXCEEDED()
    {
        var deep = "{ viewer { organisation { provinces { districts { province { districts { province { districts { province { districts { province { districts { code } } } } } } } } } } } } }";
        var response = await fixture.Client.PostAsync(deep);
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("MAX_DEPTH_EXCEEDED", response.FirstErrorCode);
        Assert.Null(response.Body["data"]);
        Assert.Equal(12, response.Errors![0]!["extensions"]!["limit"]!.GetValue<int>());
        Assert.Equal(13, response.Errors![0]!["extensions"]!["value"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_document_nested_beyond_the_parser_is_refused_with_MAX_DEPTH_EXCEEDED()
    {
        var query = new StringBuilder("{ ");
        for (var i = 0; i < 1000; i++)
        {
            query.Append("a { ");
        }

        var response = await fixture.Client.PostAsync(query.ToString());
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("MAX_DEPTH_EXCEEDED", response.FirstErrorCode);
    }

    [Fact]
    public async Task A_deep_type_reference_in_introspection_is_answered_but_deep_nesting_elsewhere_is_not()
    {
        // 20 ofType levels: one object in another, cheap whatever its depth.
        var ofTypes = string.Concat(Enumerable.Repeat("ofType { name ", 20)) + new string('}', 20);
        (await fixture.Client.PostAsync($"{{ __type(name: \"Referral\") {{ fields {{ type {{ name {ofTypes} }} }} }} }}")).AssertNoErrors();

        // The same depth outside introspection is still refused.
        var deep = "{ viewer { organisation { " + string.Concat(Enumerable.Repeat("provinces { districts { province { ", 5)) + "code" + new string('}', 17) + " }";
        var response = await fixture.Client.PostAsync(deep);
        Assert.Equal("MAX_DEPTH_EXCEEDED", response.FirstErrorCode);
    }

    [Fact]
    public async Task Introspection_lists_nested_in_one_another_are_refused_with_MAX_DEPTH_EXCEEDED()
    {
        // Each fields { type { fields ... } } multiplies by the fields of a type: the hostile introspection document.
        var nested = "{ __schema { types { " + string.Concat(Enumerable.Repeat("fields { type { ", 3)) + "name" + new string('}', 6) + " } } }";
        var response = await fixture.Client.PostAsync(nested);
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("MAX_DEPTH_EXCEEDED", response.FirstErrorCode);
        Assert.Contains("introspection", response.Errors![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        // Hundreds of __type lookups through fragments are stopped by the repeat and cost limits before anything runs.
        var fragments = string.Join(' ', Enumerable.Range(0, 300).Select(i => $"...F{i}"));
        var definitions = string.Concat(Enumerable.Range(0, 300).Select(i => $" fragment F{i} on Query {{ __type(name: \"Referral\") {{ fields {{ type {{ fields {{ name }} }} }} }} }}"));
        var many = await fixture.Client.PostAsync("{ " + fragments + " }" + definitions);
        Assert.Equal(HttpStatusCode.BadRequest, many.Status);
        Assert.StartsWith("MAX_", many.FirstErrorCode, StringComparison.Ordinal);
        (await fixture.Client.PostAsync("{ viewer { clientId } }")).AssertNoErrors();
    }

    [Fact]
    public async Task Too_costly_a_query_is_refused_with_MAX_COST_EXCEEDED()
    {
        var query = "{ " + string.Join(' ', Enumerable.Range(0, 25).Select(i => $"p{i}: referrals(first: 100) {{ nodes {{ reference status version }} }}")) + " }";
        var response = await fixture.Client.PostAsync(query);
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("MAX_COST_EXCEEDED", response.FirstErrorCode);
        Assert.Equal(5000, response.Errors![0]!["extensions"]!["limit"]!.GetValue<int>());
        Assert.True(response.Errors![0]!["extensions"]!["value"]!.GetValue<int>() > 5000);
    }

    [Fact]
    public async Task Too_many_aliases_are_refused_with_MAX_ALIASES_EXCEEDED()
    {
        var query = "{ " + string.Join(' ', Enumerable.Range(0, 2_000).Select(i => $"a{i}: viewer {{ clientId }}")) + " }";
        var response = await fixture.Client.PostAsync(query);
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("MAX_ALIASES_EXCEEDED", response.FirstErrorCode);
        (await fixture.Client.PostAsync("{ viewer { clientId } }")).AssertNoErrors();
    }
}

public sealed class RateLimitTests
{
    [Fact]
    public async Task A_client_over_its_rate_gets_429_with_retry_after_while_another_client_is_served()
    {
        await using var app = await PartnerGraphApp.StartAsync(settings: new Dictionary<string, string?>
        {
            ["GraphQL:Limits:RequestsPerMinute"] = "1",
            ["GraphQL:Limits:Burst"] = "2",
        });
        var busy = await app.GraphQLAsync();
        (await busy.PostAsync("{ viewer { clientId } }")).AssertNoErrors();
        (await busy.PostAsync("{ viewer { clientId } }")).AssertNoErrors();

        var refused = await busy.PostAsync("{ viewer { clientId } }");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal("RATE_LIMITED", refused.FirstErrorCode);
        Assert.True(refused.Message.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));

        var other = await app.GraphQLAsync("demo-integrator", "demo-secret-integrator");
        (await other.PostAsync("{ viewer { clientId } }")).AssertNoErrors();
    }
}
