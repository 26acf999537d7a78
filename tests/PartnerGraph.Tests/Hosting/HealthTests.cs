using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Hosting;

public sealed class HealthTests
{
    [Fact]
    public async Task Healthz_says_up_and_readyz_says_ready_when_the_database_is_migrated()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var client = app.CreateClient();

        var health = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("up", (await health.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());

        var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready", (await ready.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
    }
}

public sealed class ReadinessFailureTests
{
    [Fact]
    public async Task Readyz_answers_503_with_a_code_when_the_database_file_is_gone()
    {
        await using var app = await PartnerGraphApp.StartAsync();
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

        File.Delete(app.DatabasePath);

        var ready = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("DATABASE_UNAVAILABLE", (await ready.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }
}
