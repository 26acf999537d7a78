using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Identity;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Identity;

/// <summary>A secret set by hand is at least 32 characters, whoever asks the registry (the command line is one way in).</summary>
public sealed class ClientSecretRuleTests
{
    [Fact]
    public async Task A_secret_set_by_hand_below_32_characters_is_refused_and_a_generated_one_is_256_bits()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var registry = scope.ServiceProvider.GetRequiredService<PartnerClientRegistry>();
        var short31 = new string('s', 31);

        var refused = await Assert.ThrowsAsync<OnboardingException>(() => registry.AddAsync("wvft", "short-secret-client", [Scopes.ReferralsRead], short31));
        Assert.Contains("at least 32 characters", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(short31, refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<OnboardingException>(() => registry.RotateSecretAsync("demo-integrator", "zq"));
        Assert.DoesNotContain(await registry.ListAsync(), c => c.ClientId == "short-secret-client");

        await registry.AddAsync("wvft", "long-secret-client", [Scopes.ReferralsRead], new string('s', 32));
        var generated = await registry.AddAsync("wvft", "generated-secret-client", [Scopes.ReferralsRead]);
        Assert.Equal(32, Convert.FromBase64String(generated.Replace('-', '+').Replace('_', '/') + "=").Length);
    }
}
