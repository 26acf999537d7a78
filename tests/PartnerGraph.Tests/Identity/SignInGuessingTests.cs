using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using PartnerGraph.Identity.Analysts;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Identity;

/// <summary>
/// Guessing analysts' passwords at /account/login, against a started server over TCP, from several loopback addresses
/// (each browser with its own cookies): the lockout cannot be raced, does not tell which accounts exist, and cannot be
/// used to keep an account's owner out.
/// </summary>
public sealed partial class SignInGuessingTests
{
    private const string AtdAnalyst = "analyst@atd.demo";
    private const string WvftAnalyst = "analyst@wvft.demo";

    [Fact]
    public async Task Sixteen_wrong_passwords_sent_at_once_have_no_more_than_five_checked_and_lock_the_account()
    {
        await using var server = await ServerProcess.StartAsync();
        var browsers = Enumerable.Range(0, 16).Select(_ => AnalystBrowser.Over(server, "127.0.0.2")).ToList();
        var forms = await Task.WhenAll(browsers.Select(b => b.AntiforgeryTokenAsync()));

        var answers = await Task.WhenAll(browsers.Select((b, i) => b.PostLoginAsync(forms[i], AtdAnalyst, $"wrong-password-{i}")));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        await using (var db = server.OpenDatabase())
        {
            var person = (await db.Analysts.SingleAsync(a => a.Email == AtdAnalyst)).Id;
            var attempts = await db.AccessLog.Where(e => e.OperationType == "sign-in" && e.PersonId == person).ToListAsync();
            Assert.Equal(16, attempts.Count);
            Assert.Equal(5, attempts.Count(e => e.ErrorCodes == "WRONG_CREDENTIALS"));
            Assert.Equal(11, attempts.Count(e => e.ErrorCodes == "SIGN_IN_LOCKED"));
        }

        var stranger = AnalystBrowser.Over(server, "127.0.0.3");
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.SignInAsync(AtdAnalyst, DemoAnalysts.Password)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_address_a_wrong_password_and_a_locked_account_get_the_same_answer_in_similar_time()
    {
        await using var server = await ServerProcess.StartAsync();
        var locker = AnalystBrowser.Over(server, "127.0.0.4");
        for (var i = 0; i < 5; i++)
        {
            await locker.SignInAsync(AtdAnalyst, $"wrong-password-{i}");
        }

        var unknown = AnalystBrowser.Over(server, "127.0.0.5");
        var wrong = AnalystBrowser.Over(server, "127.0.0.6");
        var locked = AnalystBrowser.Over(server, "127.0.0.7");
        var resetter = AnalystBrowser.Over(server, "127.0.0.8");
        var times = new Dictionary<string, List<double>> { ["unknown"] = [], ["wrong"] = [], ["locked"] = [] };
        var problems = new HashSet<string>(StringComparer.Ordinal);
        for (var round = 0; round < 12; round++)
        {
            if (round % 4 == 3)
            {
                // A right password resets the failures, so the wrong ones keep meeting an open account.
                Assert.Equal(HttpStatusCode.Redirect, (await resetter.SignInAsync(WvftAnalyst, DemoAnalysts.Password)).StatusCode);
            }

            foreach (var (kind, browser, email, password) in new[]
            {
                ("unknown", unknown, $"nobody-{round}@atd.demo", "wrong-password"),
                ("wrong", wrong, WvftAnalyst, $"wrong-password-{round}"),
                ("locked", locked, AtdAnalyst, DemoAnalysts.Password),
            })
            {
                var form = await browser.AntiforgeryTokenAsync();
                var clock = Stopwatch.StartNew();
                using var answer = await browser.PostLoginAsync(form, email, password);
                var elapsed = clock.Elapsed.TotalMilliseconds;
                Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
                problems.Add(Problem().Match(await answer.Content.ReadAsStringAsync()).Groups[1].Value);
                times[kind].Add(elapsed);
            }
        }

        Assert.Single(problems);
        var wrongMedian = Median(times["wrong"]);
        foreach (var kind in new[] { "unknown", "locked" })
        {
            var ratio = Median(times[kind]) / wrongMedian;
            Assert.True(ratio is > 0.5 and < 2, $"{kind} answered in {Median(times[kind]):F1} ms, a wrong password in {wrongMedian:F1} ms");
        }
    }

    [Fact]
    public async Task An_attacker_who_knows_the_address_cannot_keep_its_owner_out()
    {
        await using var server = await ServerProcess.StartAsync();
        var owner = AnalystBrowser.Over(server, "127.0.0.2");
        Assert.Equal(HttpStatusCode.Redirect, (await owner.SignInAsync(AtdAnalyst, DemoAnalysts.Password)).StatusCode);

        var attacker = AnalystBrowser.Over(server, "127.0.0.3");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.SignInAsync(AtdAnalyst, $"wrong-password-{i}")).StatusCode);
        }

        // The owner's browser has signed in to this account before: the attacker's failures do not count against it.
        Assert.Equal(HttpStatusCode.Redirect, (await owner.SignInAsync(AtdAnalyst, DemoAnalysts.Password)).StatusCode);
        Assert.False(string.IsNullOrEmpty((await owner.TokenAsync())["access_token"]!.GetValue<string>()));

        // A browser the account has never used stays locked out while the guessing lasts.
        var stranger = AnalystBrowser.Over(server, "127.0.0.4");
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.SignInAsync(AtdAnalyst, DemoAnalysts.Password)).StatusCode);
    }

    [Fact]
    public async Task One_address_trying_many_accounts_is_slowed_with_429_and_others_are_not()
    {
        await using var server = await ServerProcess.StartAsync();
        var sprayer = AnalystBrowser.Over(server, "127.0.0.2");
        HttpResponseMessage? slowed = null;
        for (var i = 0; i < 40 && slowed is null; i++)
        {
            var answer = await sprayer.SignInAsync($"someone-{i}@atd.demo", "a-common-password");
            if (answer.StatusCode == HttpStatusCode.TooManyRequests)
            {
                slowed = answer;
            }
            else
            {
                Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            }
        }

        Assert.NotNull(slowed);
        Assert.True(slowed.Headers.RetryAfter?.Delta?.TotalSeconds >= 1, "429 without Retry-After");
        Assert.Contains("Too many failed sign-ins from your network", await slowed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var elsewhere = AnalystBrowser.Over(server, "127.0.0.3");
        Assert.Equal(HttpStatusCode.Redirect, (await elsewhere.SignInAsync(WvftAnalyst, DemoAnalysts.Password)).StatusCode);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    [GeneratedRegex("<p class=\"problem\" role=\"alert\">([^<]*)</p>")]
    private static partial Regex Problem();
}
