using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using PartnerGraph.Tests.Infrastructure;
using Xunit.Abstractions;

namespace PartnerGraph.Tests.Transport;

/// <summary>A started server process (not the in-process host) and a token of the test client holding every scope.</summary>
public sealed class StartedServerFixture : IAsyncLifetime
{
    public ServerProcess Server { get; private set; } = null!;

    public string Token { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await ServerProcess.StartAsync();
        Token = await Server.TokenAsync();
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary>Every case of the bad input corpus against a started server: a clear refusal, and the server keeps serving.</summary>
public sealed class BadInputCorpusTests(StartedServerFixture fixture, ITestOutputHelper output) : IClassFixture<StartedServerFixture>
{
    public static TheoryData<string> Cases => new(BadInputCorpus.Http.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_gets_a_clear_refusal_and_the_server_keeps_serving(string name)
    {
        var input = BadInputCorpus.Http.Single(c => c.Name == name);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };

        var (status, body) = await CorpusRunner.SendAsync(http, fixture.Server.Url, fixture.Token, input);
        output.WriteLine($"{(int)status} {CorpusRunner.Shorten(body)}");

        CorpusRunner.AssertClearRefusal(input, status, body);
        await CorpusRunner.AssertStillServingAsync(http, fixture.Server, fixture.Token);
    }
}

/// <summary>The whole corpus, three times over, against a server of its own, measuring the process's memory.</summary>
public sealed class BadInputMemoryTests(ITestOutputHelper output)
{
    private const long AllowedGrowthBytes = 150L * 1024 * 1024;

    [Fact]
    public async Task The_servers_memory_returns_near_its_baseline_after_the_whole_corpus()
    {
        await using var server = await ServerProcess.StartAsync();
        var token = await server.TokenAsync();
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };

        // Warm the server with ordinary work first, so the baseline holds its JIT code, caches and pools.
        for (var i = 0; i < 20; i++)
        {
            await CorpusRunner.AssertStillServingAsync(http, server, token);
        }

        var baseline = await SettledWorkingSetAsync(server, long.MaxValue);
        long peak = 0;
        for (var round = 0; round < 3; round++)
        {
            foreach (var input in BadInputCorpus.Http)
            {
                var (status, body) = await CorpusRunner.SendAsync(http, server.Url, token, input);
                CorpusRunner.AssertClearRefusal(input, status, body);
                peak = Math.Max(peak, server.WorkingSetBytes);
            }
        }

        await CorpusRunner.AssertStillServingAsync(http, server, token);
        var after = await SettledWorkingSetAsync(server, baseline + AllowedGrowthBytes);
        output.WriteLine($"working set: baseline {baseline / 1048576} MB, peak seen {peak / 1048576} MB, after the corpus {after / 1048576} MB");
        Assert.True(after < baseline + AllowedGrowthBytes, $"The working set grew from {baseline / 1048576} MB to {after / 1048576} MB over the corpus.");
    }

    /// <summary>The working set once the process has had a quiet while to collect: read every second, up to 30 readings, until one is under the bound.</summary>
    private static async Task<long> SettledWorkingSetAsync(ServerProcess server, long bound)
    {
        var reading = server.WorkingSetBytes;
        for (var i = 0; i < 30 && (i < 3 || reading >= bound); i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            reading = server.WorkingSetBytes;
        }

        return reading;
    }
}

internal static class CorpusRunner
{
    public static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient http, Uri server, string token, BadInput input)
    {
        using var request = input.Request(server);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>One of the case's statuses; a body, where there is one, of errors that each carry a code, and never data without errors.</summary>
    public static void AssertClearRefusal(BadInput input, HttpStatusCode status, string body)
    {
        Assert.True(input.Statuses.Contains(status), $"{input.Name}: {(int)status} is not one of {string.Join(", ", input.Statuses.Select(s => (int)s))}: {Shorten(body)}");
        if (body.Length == 0)
        {
            Assert.True(input.Code is null && (int)status >= 400, $"{input.Name}: {(int)status} with no body");
            return;
        }

        JsonNode? json;
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            Assert.Fail($"{input.Name}: the answer is not JSON: {Shorten(body)}");
            return;
        }

        var errors = json?["errors"] as JsonArray;
        if (errors is null && status == HttpStatusCode.BadRequest && json?["error"] is not null)
        {
            return; // the token endpoint's OAuth 2 error (RFC 6749 section 5.2)
        }

        Assert.True(errors is { Count: > 0 }, $"{input.Name}: no errors in {Shorten(body)}");
        Assert.All(errors!, e => Assert.False(string.IsNullOrEmpty(e?["extensions"]?["code"]?.GetValue<string>()), $"{input.Name}: an error without a code: {Shorten(body)}"));
        if (input.Code is not null)
        {
            Assert.Equal(input.Code, errors![0]!["extensions"]!["code"]!.GetValue<string>());
        }
    }

    public static async Task AssertStillServingAsync(HttpClient http, ServerProcess server, string token)
    {
        Assert.True(server.IsRunning, "The server process ended.");
        using (var health = await http.GetAsync(new Uri(server.Url, "/healthz")))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Url, "/graphql"))
        {
            Content = new StringContent("{\"query\":\"{ viewer { clientId } province(code: \\\"TH-50\\\") { nameEn } }\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"nameEn\":\"Chiang Mai\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"errors\"", body, StringComparison.Ordinal);
    }

    public static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + $"... ({text.Length} characters)";
}
