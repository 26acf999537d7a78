using System.Globalization;
using PartnerGraph.Domain.Webhooks;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Webhooks;

namespace PartnerGraph.Server.CommandLine;

/// <summary>The verbs of webhooks: an operator registers and manages any organisation's endpoints (partners use the mutations).</summary>
public static partial class Commands
{
    public static readonly IReadOnlyList<Command> Webhooks =
    [
        new("webhooks add", "webhooks add --org ORG --url URL --document FILE.graphql [--variables JSON]   a referralStatusChanged subscription POSTed to URL; the signing secret is shown once", Set("org", "url", "document", "variables"), AddWebhookAsync),
        new("webhooks list", "webhooks list [--org ORG]                     endpoints: id, organisation, status (and why disabled), cursor, url", Set("org"), ListWebhooksAsync),
        new("webhooks disable", "webhooks disable --id ID                      stop deliveries (webhooks replay starts them again)", Set("id"), DisableWebhookAsync),
        new("webhooks rotate-secret", "webhooks rotate-secret --id ID                 a new signing secret, shown once; the old one signs too for Webhooks:PreviousSecretHours", Set("id"), RotateWebhookSecretAsync),
        new("webhooks replay", "webhooks replay --id ID --from SEQ             deliver again from sequence SEQ on (and enable a disabled endpoint)", Set("id", "from"), ReplayWebhookAsync),
        new("webhooks deliveries", "webhooks deliveries --id ID                    the latest 20 deliveries: sequence, status, attempts, next attempt, last error", Set("id"), ListWebhookDeliveriesAsync),
    ];

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
