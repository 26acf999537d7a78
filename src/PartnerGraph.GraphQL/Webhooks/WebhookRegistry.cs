using System.Globalization;
using GraphQL;
using GraphQLParser.AST;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using PartnerGraph.Data;
using PartnerGraph.Domain.Webhooks;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.GraphQL.Pipeline;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Webhooks;

/// <summary>A secret as it is shown once: with the endpoint it signs for.</summary>
public sealed record WebhookWithSecret(WebhookEndpoint Endpoint, string Secret);

/// <summary>
/// Registering and managing webhook endpoints, for the GraphQL mutations and the command line alike. An organisation
/// of null is the operator (the command line), who may manage every organisation's endpoints.
/// </summary>
public sealed class WebhookRegistry(
    IDbContextFactory<PartnerGraphDbContext> databases,
    WebhookAddressGuard guard,
    WebhookSecretProtector secrets,
    DocumentCache documents,
    SchemaCatalogue schemas,
    GraphQLRunner runner,
    QueryLimits limits,
    CallerResolver callers,
    IGraphQLTextSerializer serializer,
    IOptions<WebhookOptions> options,
    TimeProvider clock)
{
    public const string Subscription = "referralStatusChanged";
    public const string TypeName = "Webhook";

    /// <summary>
    /// Registers an endpoint: the url (form, then every address its name resolves to), the document (a referralStatusChanged
    /// subscription valid in the organisation's schema, its variables) are checked first; nothing is written unless all pass.
    /// Deliveries start with the next change.
    /// </summary>
    public async Task<WebhookWithSecret> AddAsync(string organisationId, string url, string document, string? variables, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        if (!await db.Organisations.AnyAsync(o => o.Id == organisationId, cancellationToken).ConfigureAwait(false))
        {
            throw new UserError(ErrorCodes.UnknownOrganisation, "No organisation has this slug; the organisations query lists them.");
        }

        var uri = await guard.CheckAsync(url, cancellationToken).ConfigureAwait(false);
        await CheckDocumentAsync(organisationId, document, variables, cancellationToken).ConfigureAwait(false);
        if (await db.WebhookEndpoints.CountAsync(e => e.OrganisationId == organisationId && e.Status == WebhookStatus.Active, cancellationToken).ConfigureAwait(false) >= options.Value.MaxEndpointsPerOrganisation)
        {
            throw new UserError(ErrorCodes.WebhookLimitReached, $"Your organisation has {options.Value.MaxEndpointsPerOrganisation} active webhooks, as many as it may; disable one first.");
        }

        var secret = WebhookSignature.NewSecret();
        var endpoint = new WebhookEndpoint
        {
            OrganisationId = organisationId,
            Url = uri.OriginalString,
            Document = document,
            Variables = string.IsNullOrWhiteSpace(variables) ? null : variables,
            Secret = secrets.Protect(secret),
            CreatedAt = clock.GetUtcNow().UtcDateTime,
            Cursor = await db.OutboxEvents.MaxAsync(e => (long?)e.Sequence, cancellationToken).ConfigureAwait(false) ?? 0,
        };
        db.WebhookEndpoints.Add(endpoint);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new WebhookWithSecret(endpoint, secret);
    }

    public async Task<IReadOnlyList<WebhookEndpoint>> ListAsync(string? organisationId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.WebhookEndpoints.Where(e => organisationId == null || e.OrganisationId == organisationId).OrderBy(e => e.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<WebhookEndpoint> FindAsync(string? organisationId, long id, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == id && (organisationId == null || e.OrganisationId == organisationId), cancellationToken).ConfigureAwait(false)
            ?? throw NotFound();
    }

    /// <summary>Stops deliveries; what is pending stays pending, and a replay starts them again.</summary>
    public Task<WebhookEndpoint> DisableAsync(string? organisationId, long id, string reason, CancellationToken cancellationToken) =>
        ChangeAsync(organisationId, id, e =>
        {
            e.Status = WebhookStatus.Disabled;
            e.DisabledReason = reason;
            e.DisabledAt = clock.GetUtcNow().UtcDateTime;
            e.LeaseOwner = null;
            e.LeaseExpiresAt = null;
        }, cancellationToken);

    /// <summary>A new secret, shown once; deliveries are signed with the old one too for <see cref="WebhookOptions.PreviousSecretHours"/>.</summary>
    public async Task<WebhookWithSecret> RotateSecretAsync(string? organisationId, long id, CancellationToken cancellationToken)
    {
        var secret = WebhookSignature.NewSecret();
        var endpoint = await ChangeAsync(organisationId, id, e =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            e.PreviousSecret = e.Secret;
            e.PreviousSecretUntil = now.AddHours(options.Value.PreviousSecretHours);
            e.Secret = secrets.Protect(secret);
            e.SecretRotatedAt = now;
        }, cancellationToken).ConfigureAwait(false);
        return new WebhookWithSecret(endpoint, secret);
    }

    /// <summary>
    /// Delivers again from a sequence on (1 for everything on record), and enables a disabled endpoint: each event keeps
    /// its webhook-id, so a receiver that deduplicates takes only what it lacks.
    /// </summary>
    public async Task<WebhookEndpoint> ReplayAsync(string? organisationId, long id, long fromSequence, CancellationToken cancellationToken)
    {
        if (fromSequence < 1)
        {
            throw new UserError(ErrorCodes.InvalidCursor, "fromSequence is the first sequence to deliver again: 1 or more.");
        }

        await using var db = await databases.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.InTransactionAsync(async ct =>
        {
            var endpoint = await db.WebhookEndpoints.AsTracking().FirstOrDefaultAsync(e => e.Id == id && (organisationId == null || e.OrganisationId == organisationId), ct).ConfigureAwait(false)
                ?? throw NotFound();
            endpoint.Cursor = fromSequence - 1;
            endpoint.Status = WebhookStatus.Active;
            endpoint.DisabledReason = null;
            endpoint.DisabledAt = null;
            await db.WebhookDeliveries.Where(d => d.EndpointId == id && d.Sequence >= fromSequence).ExecuteDeleteAsync(ct).ConfigureAwait(false);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return endpoint;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The deliveries of an endpoint, latest first.</summary>
    public async Task<IReadOnlyList<WebhookDelivery>> DeliveriesAsync(string? organisationId, long id, WebhookDeliveryStatus? status, int first, CancellationToken cancellationToken)
    {
        await FindAsync(organisationId, id, cancellationToken).ConfigureAwait(false);
        await using var db = await databases.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.WebhookDeliveries.Where(d => d.EndpointId == id && (status == null || d.Status == status))
            .OrderByDescending(d => d.Sequence).Take(first).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The document must be one referralStatusChanged subscription, valid in the organisation's schema (its scopes now)
    /// with these variables, within the limits, and free of personal data; it may not pass after (the endpoint's cursor decides).
    /// </summary>
    internal async Task CheckDocumentAsync(string organisationId, string document, string? variables, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(document) || document.Length > 20_000)
        {
            throw Invalid("The document is empty or longer than 20,000 characters.");
        }

        Inputs? inputs = null;
        if (!string.IsNullOrWhiteSpace(variables))
        {
            try
            {
                inputs = serializer.Deserialize<Inputs>(variables);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or NotSupportedException)
            {
                throw new UserError(ErrorCodes.WebhookVariablesInvalid, "variables is not a JSON object of the document's variables, e.g. {\"referralId\": \"...\"}.");
            }

            if (inputs is null || variables.Length > 20_000)
            {
                throw new UserError(ErrorCodes.WebhookVariablesInvalid, "variables must be a JSON object of at most 20,000 characters.");
            }
        }

        GraphQLDocument? parsed;
        try
        {
            parsed = documents.Parse(document);
        }
        catch (OperationRefusedException refused)
        {
            throw Invalid(refused.Refusal.Message);
        }

        if (parsed is null)
        {
            throw Invalid("The document does not parse as GraphQL.");
        }

        var operations = parsed.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        if (operations.Count != 1 || operations[0].Operation != OperationType.Subscription)
        {
            throw Invalid($"The document must hold one subscription operation: subscription {{ {Subscription} {{ sequence status ... }} }}.");
        }

        var roots = operations[0].SelectionSet.Selections;
        if (roots.Count != 1 || roots[0] is not GraphQLField field || field.Name.StringValue != Subscription)
        {
            throw Invalid($"The subscription must select {Subscription} and nothing else.");
        }

        if (field.Arguments?.Items.Any(a => a.Name.StringValue == "after") == true)
        {
            throw Invalid("A webhook's document may not pass after: deliveries start with the next change, and replayWebhook delivers again from a sequence.");
        }

        var schema = schemas.For(await callers.OrganisationScopesAsync(organisationId, fresh: true, cancellationToken).ConfigureAwait(false));
        var request = new GraphQLRequest(document, null, inputs, null);
        if (limits.FindLimitPassed(schema, parsed, null, inputs) is { } tooMuch)
        {
            throw Invalid(tooMuch.Message);
        }

        if (PersonalDataInRequest.Find(parsed, inputs) is { Count: > 0 } personal)
        {
            throw new UserError(ErrorCodes.PiiNotAllowed, personal[0].Message);
        }

        if (await runner.FindValidationErrorAsync(schema, request, parsed).ConfigureAwait(false) is { } error)
        {
            throw Invalid($"The document is not valid for your organisation: {error.Message}");
        }
    }

    private async Task<WebhookEndpoint> ChangeAsync(string? organisationId, long id, Action<WebhookEndpoint> change, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.RetryingAsync(async ct =>
        {
            var endpoint = await db.WebhookEndpoints.AsTracking().FirstOrDefaultAsync(e => e.Id == id && (organisationId == null || e.OrganisationId == organisationId), ct).ConfigureAwait(false)
                ?? throw NotFound();
            change(endpoint);
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
            return endpoint;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static UserError Invalid(string message) => new(ErrorCodes.WebhookDocumentInvalid, message);

    private static UserError NotFound() => new(ErrorCodes.WebhookNotFound, "Your organisation has no webhook with this id; the webhooks query lists them.");

    public static string IdOf(long id) => GlobalId.Encode(TypeName, id.ToString(CultureInfo.InvariantCulture));
}
