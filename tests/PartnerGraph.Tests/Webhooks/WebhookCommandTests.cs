using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using PartnerGraph.Domain.Webhooks;
using PartnerGraph.GraphQL.Webhooks;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Webhooks;

/// <summary>The operator's webhook verbs, run as the program's command line on a real database.</summary>
public sealed class WebhookCommandTests
{
    private static readonly Dictionary<string, string> Allowing = new() { ["Webhooks__AllowedAddresses"] = "127.0.0.1" };

    [Fact]
    public async Task An_operator_adds_lists_rotates_replays_and_disables_a_webhook_and_the_secret_is_shown_once()
    {
        var database = await TestDatabase.CopyAsync();
        var document = Path.Combine(Directory.CreateTempSubdirectory("partnergraph-webhook-cli-").FullName, "hook.graphql");
        await File.WriteAllTextAsync(document, WebhookDeliveryTests.Document);

        var add = await ServerProcess.RunVerbAsync(["webhooks", "add", "--org", "atd", "--url", "http://127.0.0.1:9/hook", "--document", document], Allowing, database);
        Assert.True(add.ExitCode == 0, add.Output);
        var secret = add.Output.Split('\n').Single(l => l.StartsWith("signing secret: ", StringComparison.Ordinal))["signing secret: ".Length..].Trim();
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);

        var list = await ServerProcess.RunVerbAsync(["webhooks", "list"], Allowing, database);
        Assert.Contains("\tatd\tactive\t", list.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, list.Output, StringComparison.Ordinal);

        var rotate = await ServerProcess.RunVerbAsync(["webhooks", "rotate-secret", "--id", "1"], Allowing, database);
        Assert.True(rotate.ExitCode == 0, rotate.Output);
        Assert.DoesNotContain(secret, rotate.Output, StringComparison.Ordinal);
        Assert.Contains("new signing secret: whsec_", rotate.Output, StringComparison.Ordinal);

        var disable = await ServerProcess.RunVerbAsync(["webhooks", "disable", "--id", "1"], Allowing, database);
        Assert.True(disable.ExitCode == 0, disable.Output);
        var replay = await ServerProcess.RunVerbAsync(["webhooks", "replay", "--id", "1", "--from", "3"], Allowing, database);
        Assert.True(replay.ExitCode == 0, replay.Output);

        await using var db = new PartnerGraph.Data.PartnerGraphDbContext(PartnerGraph.Data.DataServiceCollectionExtensions.CreateOptions(PartnerGraph.Data.DatabaseProvider.Sqlite, TestDatabase.ConnectionString(database)));
        var endpoint = await db.WebhookEndpoints.SingleAsync();
        Assert.Equal(WebhookStatus.Active, endpoint.Status);
        Assert.Equal(2, endpoint.Cursor);
        // The shown secret is kept encrypted (under the Development demo key here), as the previous one after the rotation.
        Assert.DoesNotContain(secret["whsec_".Length..], endpoint.PreviousSecret!, StringComparison.Ordinal);
        var demoKey = new WebhookSecretProtector(Options.Create(new WebhookOptions()), new HostingEnvironment { EnvironmentName = Environments.Development });
        Assert.Equal(secret, demoKey.Unprotect(endpoint.PreviousSecret!));
    }

    [Fact]
    public async Task The_command_line_refuses_an_inside_address_and_a_bad_replay_with_their_codes()
    {
        var database = await TestDatabase.CopyAsync();
        var document = Path.Combine(Directory.CreateTempSubdirectory("partnergraph-webhook-cli-").FullName, "hook.graphql");
        await File.WriteAllTextAsync(document, WebhookDeliveryTests.Document);

        var metadata = await ServerProcess.RunVerbAsync(["webhooks", "add", "--org", "atd", "--url", "http://169.254.169.254/latest/meta-data/", "--document", document], database: database);
        Assert.Equal(1, metadata.ExitCode);
        Assert.Contains("WEBHOOK_ADDRESS_NOT_ALLOWED", metadata.Output, StringComparison.Ordinal);

        var replay = await ServerProcess.RunVerbAsync(["webhooks", "replay", "--id", "1", "--from", "5"], database: database);
        Assert.Equal(1, replay.ExitCode);
        Assert.Contains("WEBHOOK_NOT_FOUND", replay.Output, StringComparison.Ordinal);
    }
}
