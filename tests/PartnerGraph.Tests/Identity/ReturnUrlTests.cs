using System.Net;
using PartnerGraph.Identity.Analysts;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Identity;

/// <summary>
/// Where the login page sends a browser after sign-in, against a started server over TCP with redirects not followed:
/// only a plain path of this server; anything else is a 400 whatever the password, never a 500 or a Location elsewhere.
/// </summary>
public sealed class ReturnUrlTests(ReturnUrlTests.Server server) : IClassFixture<ReturnUrlTests.Server>
{
    private const string AtdAnalyst = "analyst@atd.demo";

    public static TheoryData<string> NotPlainPaths =>
    [
        "/\t/evil.example/",
        "/\r/evil.example/",
        "/\n/evil.example/",
        "/\r\nSet-Cookie: a=b",
        "/\u3000/evil.example/",
        "/\u00a0/evil.example/",
        "/ /evil.example/",
        "/account/token ",
        "//evil.example/",
        "/\\evil.example/",
        "/account\\..\\evil",
        "https://evil.example/",
        "evil.example/account",
        "javascript:alert(1)",
        "/caf\u00e9",
    ];

    [Theory]
    [MemberData(nameof(NotPlainPaths))]
    public async Task A_return_address_that_is_not_a_plain_local_path_is_a_400_before_and_after_the_password_check(string returnUrl)
    {
        var browser = AnalystBrowser.Over(server.Process);

        using var form = await browser.Http.GetAsync(new Uri("/account/login?ReturnUrl=" + Uri.EscapeDataString(returnUrl), UriKind.Relative));
        using var right = await browser.SignInAsync(AtdAnalyst, DemoAnalysts.Password, returnUrl);
        using var wrong = await browser.SignInAsync(AtdAnalyst, "not-the-password", returnUrl);

        foreach (var answer in new[] { form, right, wrong })
        {
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            Assert.Null(answer.Headers.Location);
            Assert.Contains("not a page of this server", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.False(right.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("partnergraph-analyst=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_form_holding_a_NUL_is_a_400_before_the_password_check()
    {
        var browser = AnalystBrowser.Over(server.Process);
        using var right = await browser.SignInAsync(AtdAnalyst, DemoAnalysts.Password, "/\u0000/evil.example/");
        Assert.Equal(HttpStatusCode.BadRequest, right.StatusCode);
        Assert.Null(right.Headers.Location);
        Assert.Contains("characters that no sign-in form sends", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_local_path_is_followed_exactly()
    {
        const string returnUrl = "/connect/authorize?client_id=partnergraph-ide&state=a%2Fb";
        var answer = await AnalystBrowser.Over(server.Process).SignInAsync(AtdAnalyst, DemoAnalysts.Password, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Equal(returnUrl, answer.Headers.Location!.OriginalString);
    }

    /// <summary>One started server for the class: these requests never count as failed sign-ins.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public ServerProcess Process { get; private set; } = null!;

        public async Task InitializeAsync() => Process = await ServerProcess.StartAsync();

        public async Task DisposeAsync() => await Process.DisposeAsync();
    }
}
