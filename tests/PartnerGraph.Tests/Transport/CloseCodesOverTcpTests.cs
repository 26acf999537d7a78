using PartnerGraph.Tests.Identity;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Transport;

/// <summary>
/// Every close the server starts reaches a real client with its code: the ws library (what graphql-ws runs on in
/// Node.js) over TCP against a started server process. In-memory test sockets always deliver the close frame; a real
/// connection loses it when the server tears the connection down before the frame is on the wire, and the client then
/// sees 1006 (no close frame), which graphql-ws takes for a network failure and retries.
/// </summary>
public sealed class CloseCodesOverTcpTests(CloseCodesServer fixture) : IClassFixture<CloseCodesServer>
{
    /// <summary>Each scenario runs this many times in a row: a lost frame is a race, so once is not proof.</summary>
    private const int Repeats = 5;

    [Theory]
    [InlineData("no-init", 4408)]
    [InlineData("pings-only", 4408)]
    [InlineData("subscribe-before-ack", 4401)]
    [InlineData("bad-token", 4403)]
    [InlineData("no-subprotocol", 4406)]
    [InlineData("malformed", 4400)]
    [InlineData("same-id-twice", 4409)]
    [InlineData("second-init", 4429)]
    [InlineData("too-big", 1009)]
    public async Task A_close_the_server_starts_arrives_with_its_code(string scenario, int code)
    {
        await using var client = NodeProcess.Start("close.mjs", fixture.WsUrl, scenario, fixture.Token, Repeats.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(Enumerable.Repeat(code, Repeats), await ClosesAsync(client, Repeats));
    }

    [Fact]
    public async Task When_the_token_expires_the_close_arrives_with_4403()
    {
        var expiring = (await TokenCrafting.ForAsync(fixture.Server)).Create(expires: DateTime.UtcNow.AddSeconds(3));
        await using var client = NodeProcess.Start("close.mjs", fixture.WsUrl, "token-expires", expiring);

        Assert.Equal([4403], await ClosesAsync(client, 1));
    }

    [Fact]
    public async Task When_the_client_is_disabled_the_close_arrives_with_4403()
    {
        var clientId = UniqueNames.Of("test-disabled-");
        await fixture.RunAsync("clients", "add", "--org", "atd", "--client-id", clientId, "--scopes", "referrals.read", "--secret", "test-secret-disabled-at-least-32-chars");
        var token = await fixture.Server.TokenAsync(clientId, "test-secret-disabled-at-least-32-chars");
        await using var client = NodeProcess.Start("close.mjs", fixture.WsUrl, "client-disabled", token);
        Assert.Equal("connection_ack", (await client.NextAsync(TimeSpan.FromSeconds(30)))?["message"]?.GetValue<string>());

        await fixture.RunAsync("clients", "disable", "--client-id", clientId);

        Assert.Equal([4403], await ClosesAsync(client, 1));
    }

    [Fact]
    public async Task A_connection_past_the_clients_cap_is_refused_with_1008()
    {
        var token = await fixture.Server.TokenAsync(TestDatabase.ShelterClient, TestDatabase.ShelterSecret);
        var held = new List<WsTestClient>();
        try
        {
            for (var i = 0; i < CloseCodesServer.MaxConnectionsPerClient; i++)
            {
                held.Add(await WsTestClient.ConnectAsync(new Uri(fixture.WsUrl)));
                await held[^1].InitAsync(token);
            }

            await using var client = NodeProcess.Start("close.mjs", fixture.WsUrl, "too-many-connections", token, Repeats.ToString(System.Globalization.CultureInfo.InvariantCulture));

            Assert.Equal(Enumerable.Repeat(1008, Repeats), await ClosesAsync(client, Repeats));
        }
        finally
        {
            foreach (var socket in held)
            {
                await socket.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task When_the_database_is_away_at_connection_init_the_close_arrives_with_1013()
    {
        // Its own server: the database's folder is taken away (see FaultTests).
        var folder = Directory.CreateTempSubdirectory("partnergraph-close-").FullName;
        var database = Path.Combine(folder, "partnergraph.db");
        File.Move(await TestDatabase.CopyAsync(), database);
        await using var server = await ServerProcess.StartAsync(database: database);
        var token = await server.TokenAsync(); // checked by no request yet, so connection_init must ask the database
        Directory.Move(folder, folder + "-away");
        try
        {
            await using var client = NodeProcess.Start("close.mjs", new Uri(server.Url.ToWs(), "/graphql").ToString(), "database-away", token, Repeats.ToString(System.Globalization.CultureInfo.InvariantCulture));

            Assert.Equal(Enumerable.Repeat(1013, Repeats), await ClosesAsync(client, Repeats));
        }
        finally
        {
            Directory.Move(folder + "-away", folder);
        }
    }

    /// <summary>The close codes the client saw, one per run of its scenario.</summary>
    private static async Task<List<int>> ClosesAsync(NodeProcess client, int runs)
    {
        var codes = new List<int>();
        while (codes.Count < runs)
        {
            var line = await client.NextAsync(TimeSpan.FromSeconds(30)) ?? throw new InvalidOperationException($"the client ended after {codes.Count} closes: {client.Errors}");
            if (line["code"] is { } code)
            {
                codes.Add(code.GetValue<int>());
            }
        }

        return codes;
    }
}

/// <summary>A started server whose connection rules act within a second or two, and a token of the all-scopes client.</summary>
public sealed class CloseCodesServer : IAsyncLifetime
{
    public const int MaxConnectionsPerClient = 3;

    public ServerProcess Server { get; private set; } = null!;

    public string Database { get; private set; } = null!;

    public string Token { get; private set; } = null!;

    public string WsUrl => new Uri(Server.Url.ToWs(), "/graphql").ToString();

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CopyAsync();
        Server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["GraphQL__WebSockets__ConnectionInitTimeoutSeconds"] = "1",
            ["Identity__ClientStatusCacheSeconds"] = "1",
            ["GraphQL__Limits__MaxConnectionsPerClient"] = MaxConnectionsPerClient.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, Database);
        Token = await Server.TokenAsync();
    }

    /// <summary>A command-line verb on the server's database, while it runs.</summary>
    public async Task RunAsync(params string[] args)
    {
        var (exitCode, output) = await ServerProcess.RunVerbAsync(args, database: Database);
        Assert.True(exitCode == 0, $"{string.Join(' ', args)} exited with {exitCode}:\n{output}");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
