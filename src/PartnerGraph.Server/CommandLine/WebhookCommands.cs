using System.CommandLine;
using System.Globalization;
using PartnerGraph.Domain.Webhooks;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Webhooks;

namespace PartnerGraph.Server.CommandLine;

/// <summary>The verbs of webhooks: an operator registers and manages any organisation's endpoints (partners use the mutations).</summary>
public static partial class Commands
{
    [VerbGroup]
    private static Command Webhooks() => Verb.Group(
        "webhooks",
        "Webhook endpoints of the organisations: referral status changes POSTed, signed (Standard Webhooks).",
        Verb.Command("add", "Register an endpoint: a referralStatusChanged subscription POSTed to URL; the signing secret is shown once.",
        [
            Verb.Option("org", "ORG", "The organisation it delivers for.", required: true),
            Verb.Option("url", "URL", "An https address that is public (Webhooks:AllowedAddresses allows others).", required: true),
            Verb.Option("document", "FILE.graphql", "The referralStatusChanged subscription choosing the fields of each delivery.", required: true),
            Verb.Option("variables", "JSON", "The document's variables, as a JSON object."),
        ], AddWebhookAsync),
        Verb.Command("list", "Endpoints: id, organisation, status (and why disabled), cursor, url (never secrets).",
        [
            Verb.Option("org", "ORG", "Only this organisation's."),
        ], ListWebhooksAsync),
        Verb.Command("disable", "Stop deliveries to an endpoint (webhooks replay starts them again).",
        [
            Verb.Option("id", "ID", "The endpoint's number, as webhooks list shows it.", required: true),
        ], DisableWebhookAsync),
        Verb.Command("rotate-secret", "A new signing secret, shown once; the old one signs too for Webhooks:PreviousSecretHours.",
        [
            Verb.Option("id", "ID", "The endpoint's number.", required: true),
        ], RotateWebhookSecretAsync),
        Verb.Command("replay", "Deliver again from a sequence on, and enable a disabled endpoint.",
        [
            Verb.Option("id", "ID", "The endpoint's number.", required: true),
            Verb.Option("from", "SEQ", "The first sequence to deliver again (1 for every change on record).", required: true),
        ], ReplayWebhookAsync),
        Verb.Command("deliveries", "The latest 20 deliveries: sequence, status, attempts, next attempt, last error.",
        [
            Verb.Option("id", "ID", "The endpoint's number.", required: true),
        ], ListWebhookDeliveriesAsync));

    private static async Task<int> AddWebhookAsync(WebApplication app, CommandOptions options)
    {
        var file = options.Required("document");
        if (!File.Exists(file))
        {
            throw new CommandLineException($"--document: no file {file}.", 2);
        }

        var document = await File.ReadAllTextAsync(file);
        var added = await Webhook(() => app.Services.GetRequiredService<WebhookRegistry>().AddAsync(options.Required("org"), options.Required("url"), document, options.Optional("variables"), CancellationToken.None));
        Console.WriteLine($"Webhook {added.Endpoint.Id} added for {added.Endpoint.OrganisationId} (GraphQL id {WebhookRegistry.IdOf(added.Endpoint.Id)}); deliveries start after sequence {added.Endpoint.Cursor}.");
        Console.WriteLine($"signing secret: {added.Secret}\nKeep it now: it is shown once. Verify webhook-signature with it (README, Webhooks).");
        return 0;
    }

    private static async Task<int> ListWebhooksAsync(WebApplication app, CommandOptions options)
    {
        var list = await app.Services.GetRequiredService<WebhookRegistry>().ListAsync(options.Optional("org"), CancellationToken.None);
        foreach (var e in list)
        {
            var status = e.Status == WebhookStatus.Active ? "active" : $"disabled ({e.DisabledReason})";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{e.Id}\t{e.OrganisationId}\t{status}\tcursor {e.Cursor}\t{e.Url}"));
        }

        Console.WriteLine($"{list.Count} webhook(s).");
        return 0;
    }

    private static async Task<int> DisableWebhookAsync(WebApplication app, CommandOptions options)
    {
        var endpoint = await Webhook(() => app.Services.GetRequiredService<WebhookRegistry>().DisableAsync(null, WebhookId(options), "Disabled by the operator.", CancellationToken.None));
        Console.WriteLine($"Webhook {endpoint.Id} disabled.");
        return 0;
    }

    private static async Task<int> RotateWebhookSecretAsync(WebApplication app, CommandOptions options)
    {
        var rotated = await Webhook(() => app.Services.GetRequiredService<WebhookRegistry>().RotateSecretAsync(null, WebhookId(options), CancellationToken.None));
        Console.WriteLine($"Webhook {rotated.Endpoint.Id}: new signing secret: {rotated.Secret}\nKeep it now: it is shown once. Deliveries carry signatures by the old secret too until {rotated.Endpoint.PreviousSecretUntil:u}.");
        return 0;
    }

    private static async Task<int> ReplayWebhookAsync(WebApplication app, CommandOptions options)
    {
        if (!long.TryParse(options.Required("from"), NumberStyles.None, CultureInfo.InvariantCulture, out var from))
        {
            throw new CommandLineException("--from is a sequence: a whole number, 1 or more.", 2);
        }

        var endpoint = await Webhook(() => app.Services.GetRequiredService<WebhookRegistry>().ReplayAsync(null, WebhookId(options), from, CancellationToken.None));
        Console.WriteLine($"Webhook {endpoint.Id} active; deliveries start again from sequence {from}.");
        return 0;
    }

    private static async Task<int> ListWebhookDeliveriesAsync(WebApplication app, CommandOptions options)
    {
        var deliveries = await Webhook(() => app.Services.GetRequiredService<WebhookRegistry>().DeliveriesAsync(null, WebhookId(options), null, 20, CancellationToken.None));
        foreach (var d in deliveries)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{d.Sequence}\t{d.Status}\t{d.Attempts} attempt(s)\tnext {d.NextAttemptAt:u}\t{d.LastError}"));
        }

        return 0;
    }

    private static long WebhookId(CommandOptions options) =>
        long.TryParse(options.Required("id"), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : throw new CommandLineException("--id is a webhook's number, as webhooks list shows it.", 2);

    /// <summary>A refusal of the registry, as the command line says it: its code and message, exit code 1.</summary>
    private static async Task<T> Webhook<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (UserError e)
        {
            throw new CommandLineException($"{e.Code}: {e.Message}");
        }
    }
}
