using System.Net;
using System.Text;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PartnerGraph.Domain.Webhooks;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Webhooks;

namespace PartnerGraph.Tests.Webhooks;

/// <summary>The webhook rules that need no server: the signature, the addresses, the retry schedule, https outside Development.</summary>
public sealed class WebhookRulesTests
{
    [Fact]
    public void Signature_matches_the_standard_webhooks_libraries_test_vector()
    {
        // The vector the Standard Webhooks reference libraries test against.
        var signature = WebhookSignature.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, Encoding.UTF8.GetBytes("{\"test\": 2432232314}"));
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
    }

    [Fact]
    public void A_rotated_endpoint_signs_with_both_secrets_the_current_first()
    {
        var body = Encoding.UTF8.GetBytes("{}");
        var current = WebhookSignature.NewSecret();
        var previous = WebhookSignature.NewSecret();
        var header = WebhookSignature.Header([current, previous], "evt_7", 1, body);
        Assert.Equal($"{WebhookSignature.Sign(current, "evt_7", 1, body)} {WebhookSignature.Sign(previous, "evt_7", 1, body)}", header);
        Assert.True(WebhookReceiver.VerifyWebhook(previous, "evt_7", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), WebhookSignature.Header([current, previous], "evt_7", DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body), body));
    }

    [Fact]
    public void Secrets_are_whsec_and_32_random_bytes()
    {
        var secret = WebhookSignature.NewSecret();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, WebhookSignature.KeyOf(secret).Length);
        Assert.NotEqual(secret, WebhookSignature.NewSecret());
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.5.4")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("255.255.255.255")]
    [InlineData("224.0.0.251")]
    [InlineData("::")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("ff02::1")]
    [InlineData("64:ff9b::7f00:1")]
    [InlineData("2002:7f00:1::1")]
    public void Inside_addresses_are_refused(string address) => Assert.False(WebhookAddresses.PublicOnly.MayReach(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("1.1.1.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:93.184.215.14")]
    public void Public_addresses_are_allowed(string address) => Assert.True(WebhookAddresses.PublicOnly.MayReach(IPAddress.Parse(address)));

    [Fact]
    public void The_operator_allows_a_network_and_nothing_beside_it()
    {
        var rules = WebhookAddresses.Allowing("127.0.0.1, 10.20.0.0/16");
        Assert.True(rules.MayReach(IPAddress.Parse("127.0.0.1")));
        Assert.True(rules.MayReach(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.True(rules.MayReach(IPAddress.Parse("10.20.3.4")));
        Assert.False(rules.MayReach(IPAddress.Parse("127.0.0.2")));
        Assert.False(rules.MayReach(IPAddress.Parse("10.21.0.1")));
        Assert.False(rules.MayReach(IPAddress.Parse("169.254.169.254")));
    }

    [Fact]
    public void Retries_back_off_exponentially_with_jitter_for_at_least_three_days()
    {
        var schedule = WebhookRetrySchedule.Default;
        Assert.Equal(TimeSpan.FromSeconds(2.5), schedule.DelayAfter(1, 0));
        Assert.Equal(TimeSpan.FromSeconds(5), schedule.DelayAfter(1, 1));
        Assert.Equal(TimeSpan.FromSeconds(40), schedule.DelayAfter(4, 1));
        Assert.Equal(TimeSpan.FromHours(6), schedule.DelayAfter(30, 1));
        Assert.True(schedule.GiveUpAfter >= TimeSpan.FromDays(3));

        // Failing every time, the longest schedule (no jitter shortening) still reaches 3 days before giving up.
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var at = start;
        var attempts = 1;
        while (!schedule.GivesUp(start, at))
        {
            at += schedule.DelayAfter(attempts++, 1);
        }

        Assert.True(at - start >= TimeSpan.FromDays(3));
        Assert.InRange(attempts, 15, 30);
    }

    [Fact]
    public void Outside_development_only_https_is_registered()
    {
        var options = Options.Create(new WebhookOptions());
        var production = new WebhookAddressGuard(options, new Environment("Production"));
        var development = new WebhookAddressGuard(options, new Environment("Development"));

        Assert.Equal(ErrorCodes.WebhookHttpsRequired, Assert.Throws<UserError>(() => production.CheckForm("http://93.184.215.14/hook")).Code);
        Assert.Equal("https", production.CheckForm("https://93.184.215.14/hook").Scheme);
        Assert.Equal("http", development.CheckForm("http://93.184.215.14/hook").Scheme);
    }

    [Fact]
    public void Stored_secrets_open_with_the_key_they_were_closed_under_and_with_no_other()
    {
        var key = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var other = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var protector = Protector("Production", key);
        var secret = WebhookSignature.NewSecret();

        var stored = protector.Protect(secret);
        Assert.Equal(secret, protector.Unprotect(stored));
        Assert.NotEqual(stored, protector.Protect(secret)); // a fresh nonce each time
        Assert.DoesNotContain(secret["whsec_".Length..], stored, StringComparison.Ordinal);

        // A server given another key cannot open it, and says which setting would.
        var stranger = Assert.Throws<System.Security.Cryptography.CryptographicException>(() => Protector("Production", other).Unprotect(stored));
        Assert.Contains("Webhooks:PreviousSecretKeys", stranger.Message, StringComparison.Ordinal);

        // After the operator changes the key, the old one listed as previous still opens what it closed.
        var rotated = Protector("Production", other, previous: key);
        Assert.Equal(secret, rotated.Unprotect(stored));
        Assert.StartsWith($"v1.{rotated.Protect(secret).Split('.')[1]}.", rotated.Protect(secret), StringComparison.Ordinal);
        Assert.NotEqual(stored.Split('.')[1], rotated.Protect(secret).Split('.')[1]);

        // One changed byte of the stored form, or a clear secret put in the column, is refused rather than signed with.
        var bytes = Convert.FromBase64String(stored.Split('.')[2]);
        bytes[^1] ^= 1;
        var tampered = $"v1.{stored.Split('.')[1]}.{Convert.ToBase64String(bytes)}";
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => protector.Unprotect(tampered));
        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => protector.Unprotect(secret));
    }

    [Theory]
    [InlineData(null, "is not set")]
    [InlineData(WebhookSecretProtector.DemoKey, "published demo key")]
    [InlineData("c2hvcnQ=", "it must be 32")]
    [InlineData("not base64!", "is not base64")]
    public void Outside_development_a_missing_demo_or_malformed_key_is_refused(string? key, string reason)
    {
        var refused = Assert.Throws<InvalidOperationException>(() => Protector("Production", key));
        Assert.Contains("Webhooks:SecretKey", refused.Message, StringComparison.Ordinal);
        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void In_development_the_demo_key_is_used_when_none_is_set()
    {
        var secret = WebhookSignature.NewSecret();
        var stored = Protector("Development", null).Protect(secret);
        Assert.Equal(secret, Protector("Development", WebhookSecretProtector.DemoKey).Unprotect(stored));
    }

    private static WebhookSecretProtector Protector(string environment, string? key, string? previous = null) =>
        new(Options.Create(new WebhookOptions { SecretKey = key, PreviousSecretKeys = previous }), new Environment(environment));

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "PartnerGraph";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
