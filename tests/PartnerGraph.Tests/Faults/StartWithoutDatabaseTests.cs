using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Faults;

/// <summary>
/// A server whose database cannot be reached when it starts: it starts all the same (liveness up), says so on
/// readiness and on every request that needs the database (503 DATABASE_UNAVAILABLE), and serves as soon as the
/// database appears, in the same process. Each test is a started server process on TCP.
/// </summary>
public sealed class StartWithoutDatabaseTests
{
    private const string Viewer = "{ viewer { organisation { id } } }";

    [Fact]
    public async Task On_SQL_Server_that_nothing_answers_the_server_starts_live_and_answers_503_DATABASE_UNAVAILABLE_on_readiness_graphql_and_tokens()
    {
        // A port that was just free on 127.0.0.1: nothing listens there, so every connection is refused.
        var nothing = ServerProcess.FreePort();
        await using var server = await ServerProcess.StartAsync(
            new Dictionary<string, string> { ["Database__Provider"] = "SqlServer" },
            connectionString: $"Server=tcp:127.0.0.1,{nothing};Database=partnergraph;User Id=partnergraph;Password=not-used-here;Connect Timeout=2;Encrypt=False",
            ready: false);
        using var http = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(60) };

        await AssertWaitingForTheDatabaseAsync(http, server);
        Assert.Contains("serving 503 DATABASE_UNAVAILABLE until it appears", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_SQLite_a_server_started_without_its_database_serves_once_it_appears_without_a_restart()
    {
        // The configured file is a folder, which SQLite cannot open (the tests run as root, so permissions would not stop
        // it). The seeded database waits in another folder and takes the first one's place in two renames: between them
        // the path's folder is missing, so at no moment can the server create an empty database of its own there.
        var folder = Directory.CreateTempSubdirectory("partnergraph-start-").FullName;
        var database = Path.Combine(folder, "partnergraph.db");
        Directory.CreateDirectory(database);
        var staging = folder + "-staging";
        Directory.CreateDirectory(staging);
        File.Move(await TestDatabase.CopyAsync(), Path.Combine(staging, "partnergraph.db"));

        await using var server = await ServerProcess.StartAsync(database: database, ready: false);
        using var http = new HttpClient { BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(60) };
        await AssertWaitingForTheDatabaseAsync(http, server);

        Directory.Move(folder, folder + "-blocked");
        Directory.Move(staging, folder);
        var appeared = Stopwatch.StartNew();
        var (status, body) = await HealthAsync(http, "/readyz");
        while (status != HttpStatusCode.OK && appeared.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(100);
            (status, body) = await HealthAsync(http, "/readyz");
        }

        Assert.True(status == HttpStatusCode.OK, $"{status} {body} after {appeared.Elapsed}:\n{server.Output}");
        ServerOutput.Writer("test")($"ready {appeared.ElapsedMilliseconds} ms after the database appeared");
        var client = new GraphQLClient(http, await server.TokenAsync());
        (await client.PostAsync(Viewer)).AssertNoErrors();
        await PartnerGraph.Tests.Transport.ReferralsFlow.CreateAsync(client);
        Assert.True(server.IsRunning, server.Output);
    }

    /// <summary>Liveness 200; readiness, /graphql (with or without a token) and the token endpoint 503 DATABASE_UNAVAILABLE, nothing of the exception shown.</summary>
    private static async Task AssertWaitingForTheDatabaseAsync(HttpClient http, ServerProcess server)
    {
        var (upStatus, up) = await HealthAsync(http, "/healthz");
        Assert.Equal((HttpStatusCode.OK, "up"), (upStatus, up["status"]?.GetValue<string>()));

        var (readyStatus, ready) = await HealthAsync(http, "/readyz");
        Assert.Equal((HttpStatusCode.ServiceUnavailable, "unavailable", "DATABASE_UNAVAILABLE"), (readyStatus, ready["status"]?.GetValue<string>(), ready["code"]?.GetValue<string>()));

        foreach (var token in new[] { null, "not-a-token" })
        {
            var answer = await new GraphQLClient(http, token).PostAsync(Viewer);
            Assert.True(answer.Status == HttpStatusCode.ServiceUnavailable, $"{answer.Status} {answer.Body.ToJsonString()}");
            Assert.Equal("DATABASE_UNAVAILABLE", answer.FirstErrorCode);
            Assert.Equal("5", answer.Message.Headers.RetryAfter?.ToString());
            AssertNothingOfTheException(answer.Body.ToJsonString());
        }

        var tokenAnswer = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = TestDatabase.AllScopesClient,
            ["client_secret"] = TestDatabase.AllScopesSecret,
        }));
        var tokenText = await tokenAnswer.Content.ReadAsStringAsync();
        Assert.True(tokenAnswer.StatusCode == HttpStatusCode.ServiceUnavailable, tokenText);
        Assert.Equal("DATABASE_UNAVAILABLE", JsonNode.Parse(tokenText)!["code"]?.GetValue<string>());
        AssertNothingOfTheException(tokenText);

        // Still there after a try of the preparation (every 2 s) has met the database away again.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.True(server.IsRunning, server.Output);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await HealthAsync(http, "/readyz")).Status);
    }

    private static void AssertNothingOfTheException(string body)
    {
        foreach (var word in new[] { "Sql", "Exception", "127.0.0.1", "partnergraph.db" })
        {
            Assert.DoesNotContain(word, body, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> HealthAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }
}
