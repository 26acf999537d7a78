using System.Text.Json.Nodes;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.PersonalData;

/// <summary>
/// The corpus of issue 17 through a started server over HTTP, SSE and WebSocket alike: each form of personal data
/// written as a referral's withdraw reason is refused with PII_NOT_ALLOWED naming the variable and the kind, and each
/// ordinary reason is kept and shown back as written.
/// </summary>
public sealed class PersonalDataOverTransportsTests(PersonalDataOverTransportsTests.Server fixture) : IClassFixture<PersonalDataOverTransportsTests.Server>
{
    private const string Create = "mutation($input: CreateReferralInput!) { createReferral(input: $input) { referral { id } } }";

    private const string Withdraw = """
        mutation($id: ID!, $reason: String) {
          withdrawReferral(input: { referralId: $id, expectedVersion: 1, reason: $reason }) { referral { status history { status reason } } }
        }
        """;

    public static TheoryData<string, string, string, string> RefusedOverEachTransport()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var transport in Transports.All)
        {
            foreach (var (form, text, kind) in PersonalDataCorpus.Refused)
            {
                data.Add(transport, form, text, Domain.PersonalData.PersonalDataGuard.Name(kind));
            }
        }

        return data;
    }

    public static TheoryData<string, string> PassingOverEachTransport()
    {
        var data = new TheoryData<string, string>();
        foreach (var transport in Transports.All)
        {
            foreach (var text in PersonalDataCorpus.Passes)
            {
                data.Add(transport, text);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RefusedOverEachTransport))]
    public async Task Personal_data_in_a_reason_is_refused_over_every_transport(string transport, string form, string text, string kind)
    {
        var id = await fixture.NewReferralAsync();

        var result = await Transports.RunAsync(transport, fixture.Process.Url, fixture.Token, Withdraw, new { id, reason = text });

        Assert.True(result["data"] is null, $"{form}: {result.ToJsonString()}");
        var error = result["errors"]![0]!;
        Assert.Equal("PII_NOT_ALLOWED", error["extensions"]!["code"]!.GetValue<string>());
        Assert.Equal("$reason", error["extensions"]!["field"]!.GetValue<string>());
        Assert.Equal(kind, error["extensions"]!["kind"]!.GetValue<string>());
        Assert.DoesNotContain(text, result.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(PassingOverEachTransport))]
    public async Task An_ordinary_reason_is_kept_and_shown_over_every_transport(string transport, string text)
    {
        var id = await fixture.NewReferralAsync();

        var result = await Transports.RunAsync(transport, fixture.Process.Url, fixture.Token, Withdraw, new { id, reason = text });

        Assert.True(result["errors"] is null, result.ToJsonString());
        var referral = result["data"]!["withdrawReferral"]!["referral"]!;
        Assert.Equal("WITHDRAWN", referral["status"]!.GetValue<string>());
        Assert.Equal(text, referral["history"]!.AsArray()[^1]!["reason"]!.GetValue<string>());
    }

    /// <summary>A started server whose rate limit leaves room for the whole table, and referrals to withdraw.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public ServerProcess Process { get; private set; } = null!;

        public string Token { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Process = await ServerProcess.StartAsync(new Dictionary<string, string>
            {
                ["GraphQL__Limits__RequestsPerMinute"] = "100000",
                ["GraphQL__Limits__Burst"] = "10000",
            });
            Token = await Process.TokenAsync();
        }

        /// <summary>A referral from ATD (the test client's organisation) to the shelter, made over HTTP, at version 1.</summary>
        public async Task<string> NewReferralAsync()
        {
            var input = new { toOrganisation = TestDatabase.ShelterOrganisation, kind = "DOMESTIC", services = new[] { "SHELTER" }, consent = new { givenBy = "CHILD" } };
            var result = await Transports.RunAsync(Transports.Http, Process.Url, Token, Create, new { input });
            return result["data"]?["createReferral"]?["referral"]?["id"]?.GetValue<string>() ?? throw new InvalidOperationException(result.ToJsonString());
        }

        public async Task DisposeAsync() => await Process.DisposeAsync();
    }
}
