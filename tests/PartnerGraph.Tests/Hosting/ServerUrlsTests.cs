using System.Net.Sockets;
using System.Text.RegularExpressions;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Hosting;

/// <summary>
/// Where the server listens, as ASP.NET Core operators set it, each way on a started server process on its own free
/// port: --urls, Urls, ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS, and http://localhost:5080 when none is set.
/// </summary>
public sealed partial class ServerUrlsTests
{
    private static readonly string[] Order = ["--urls", "Urls", "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS"];

    public static TheoryData<string> Ways => new(Order);

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task Each_way_of_naming_the_address_is_where_the_server_listens(string way)
    {
        var port = ServerProcess.FreePort();
        var url = new Uri($"http://127.0.0.1:{port}");
        var (args, environment) = Set(way, port);

        await using var server = await ServerProcess.StartAtAsync(url, args, environment, within: TimeSpan.FromSeconds(30));

        Assert.Contains($":{port}/graphql", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(":5080", server.Output, StringComparison.Ordinal);
    }

    /// <summary>Set together, the first in README's order wins: --urls, Urls, ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task The_first_in_order_wins_over_those_after_it(int first)
    {
        var ports = Order.Select(_ => ServerProcess.FreePort()).ToArray();
        var args = new List<string>();
        var environment = new Dictionary<string, string>();
        var ways = Order;
        for (var i = first; i < ways.Length; i++)
        {
            var (a, e) = Set(ways[i], ports[i]);
            args.AddRange(a);
            foreach (var (key, value) in e)
            {
                environment[key] = value;
            }
        }

        await using var server = await ServerProcess.StartAtAsync(new Uri($"http://127.0.0.1:{ports[first]}"), args, environment, within: TimeSpan.FromSeconds(30));

        for (var i = first + 1; i < ways.Length; i++)
        {
            Assert.False(await AnswersAsync(ports[i]), $"{ways[i]} (port {ports[i]}) is listened on as well as {ways[first]}");
        }
    }

    [Fact]
    public async Task With_nothing_set_the_server_listens_on_localhost_5080()
    {
        await using var server = await ServerProcess.LaunchAsync(new Uri("http://localhost:5080"), [], new Dictionary<string, string>
        {
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        });

        // Another program may hold 5080 on this machine: then the server's failure to bind it proves the default too.
        var seen = await server.WaitForOutputAsync(output => Serving5080().IsMatch(output) || BindFailed5080().IsMatch(output), TimeSpan.FromSeconds(60));

        Assert.True(seen, server.Output);
        Assert.DoesNotMatch(@"is serving GraphQL at http://[^/]*:(?!5080)\d+/", server.Output);
    }

    private static (string[] Args, Dictionary<string, string> Environment) Set(string way, int port) => way switch
    {
        "--urls" => (["--urls", $"http://127.0.0.1:{port}"], []),
        "Urls" => ([], new() { ["Urls"] = $"http://127.0.0.1:{port}" }),
        "ASPNETCORE_URLS" => ([], new() { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" }),
        "ASPNETCORE_HTTP_PORTS" => ([], new() { ["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
        _ => throw new ArgumentOutOfRangeException(nameof(way), way, null),
    };

    private static async Task<bool> AnswersAsync(int port)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"is serving GraphQL at http://localhost:5080/graphql")]
    private static partial Regex Serving5080();

    [GeneratedRegex(@"(?i)bind to address http://(localhost|127\.0\.0\.1|\[::1\]):5080")]
    private static partial Regex BindFailed5080();
}
