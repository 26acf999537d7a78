using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using PartnerGraph.Tests.Infrastructure;
using PartnerGraph.Tests.Transport;
using Xunit.Abstractions;

namespace PartnerGraph.Tests.Hosting;

/// <summary>A started server's own log, at Information as shipped, after a varied workload: no token, secret or personal data in it.</summary>
public sealed partial class LogHygieneTests(ITestOutputHelper output)
{
    private const string NationalId = "1101700203158";
    private const string Phone = "081-234-5678";
    private const string Email = "somchai.k@example.org";
    private const string WrongSecret = "wrong-secret-4f1d9c";
    private const string ForgedToken = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJjbGllbnRfaWQiOiJ4In0.c2lnbmF0dXJlLWZvcmdlZA";

    [Fact]
    public async Task The_log_of_a_busy_server_holds_no_token_secret_or_personal_data()
    {
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>
        {
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__PartnerGraph"] = "Debug",
        });
        using var http = new HttpClient { BaseAddress = server.Url };
        var atd = new GraphQLClient(http, await server.TokenAsync());
        var ngo = new GraphQLClient(http, await server.TokenAsync("demo-ngo-partner", "demo-secret-ngo-partner"));
        var wrong = await http.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "demo-ngo-partner",
            ["client_secret"] = WrongSecret,
        }));
        Assert.False(wrong.IsSuccessStatusCode);

        (await atd.PostAsync("query Page($n: Int) { referrals(first: $n) { nodes { reference } } }", new { n = 5 })).AssertNoErrors();
        (await atd.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/graphql?query=" + Uri.EscapeDataString("query P($c: String!) { province(code: $c) { nameEn } }") + "&variables=" + Uri.EscapeDataString("{\"c\":\"TH-50\"}")))).AssertNoErrors();
        Assert.Equal("INVALID_TOKEN", (await new GraphQLClient(http, ForgedToken).PostAsync("{ viewer { clientId } }")).FirstErrorCode);

        foreach (var (field, value) in new[] { ("nationality", NationalId), ("district", Phone), ("province", Email), ("nationality", "+66 81 234 5678") })
        {
            var input = CaseInput();
            input[field] = value;
            var refused = await ngo.PostAsync("mutation R($input: RecordCaseInput!) { recordCase(input: $input) { recorded } }", new { input });
            Assert.Equal("PII_NOT_ALLOWED", refused.FirstErrorCode);
        }

        // Personal data written into the document itself, in a GET query string, and in broken requests.
        await ngo.PostAsync($"mutation {{ recordCase(input: {{ identifiedOn: \"2025-06-30\", province: \"{Email}\", ageBand: AGE_12_14, sex: FEMALE, nationality: \"{NationalId}\", populationGroup: URBAN, migrationStatus: UNKNOWN, exploitationType: LABOUR, victimStatus: VICTIM, identificationSource: POLICE }}) {{ recorded }} }}");
        await atd.GetAsync($"{{ province(code: \"{Phone}\") {{ code }} }}");
        await atd.PostAsync($"{{ province(code: \"{NationalId}\") {{ code ");
        await atd.PostRawAsync($"{{\"query\":\"{{ province(code: \\\"{Email}\\\") {{ code }} }}\",\"variables\":{{\"x\":\"{Phone}\"");
        foreach (var input in BadInputCorpus.Http.Where(c => c.Name is "JSON with a lone surrogate escape" or "10 MB form to the token endpoint" or "wrong variable type" or "10 MB body with its length"))
        {
            await CorpusRunner.SendAsync(http, server.Url, atd.Token!, input);
        }

        var log = await SettledOutputAsync(server);
        output.WriteLine(log.Length <= 4000 ? log : log[..4000]);
        Assert.Contains("shipped trusted documents loaded", log, StringComparison.Ordinal);
        Assert.DoesNotMatch(Jwt(), log);
        foreach (var secret in new[] { TestDatabase.AllScopesSecret, "demo-secret-ngo-partner", WrongSecret, atd.Token!, ngo.Token! })
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }

        Assert.DoesNotMatch(ThirteenDigits(), log);
        Assert.DoesNotMatch(PhoneNumber(), log);
        Assert.DoesNotMatch(EmailAddress(), log);
    }

    private static Dictionary<string, object?> CaseInput() => new()
    {
        ["identifiedOn"] = "2025-06-30",
        ["province"] = "TH-63",
        ["ageBand"] = "AGE_12_14",
        ["sex"] = "FEMALE",
        ["nationality"] = "MM",
        ["populationGroup"] = "URBAN",
        ["migrationStatus"] = "UNKNOWN",
        ["exploitationType"] = "LABOUR",
        ["victimStatus"] = "VICTIM",
        ["identificationSource"] = "POLICE",
    };

    /// <summary>The output once nothing new has been written for a second (the console logger writes from a queue).</summary>
    private static async Task<string> SettledOutputAsync(ServerProcess server)
    {
        var last = server.Output;
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = server.Output;
            if (now.Length == last.Length)
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{8,}")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"(?<!\d)\d{13}(?!\d)|\d-\d{4}-\d{5}-\d{2}-\d")]
    private static partial Regex ThirteenDigits();

    [GeneratedRegex(@"(?<!\d)0\d{1,2}-\d{3}-\d{4}(?!\d)|\+66[ -]?\d")]
    private static partial Regex PhoneNumber();

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.[A-Za-z.]{2,}")]
    private static partial Regex EmailAddress();
}
