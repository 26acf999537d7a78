using GraphQL;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using PartnerGraph.Domain.Webhooks;
using PartnerGraph.GraphQL.Common;
using PartnerGraph.Identity;
using static PartnerGraph.GraphQL.Webhooks.WebhookResolvers;

namespace PartnerGraph.GraphQL.Webhooks;

/// <summary>An organisation's webhooks and their deliveries (scope webhooks.manage).</summary>
public sealed class WebhookQueries : IRootFields
{
    public const int MaxDeliveries = 100;

    public RootOperation Operation => RootOperation.Query;

    public void AddFields(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<WebhookType>>>, IReadOnlyList<WebhookEndpoint>>("webhooks")
            .Description("Your organisation's webhook endpoints.")
            .RequireScopes(Scopes.WebhooksManage)
            .ResolveAsync(async c => await Registry(c).ListAsync(c.Request().Caller.OrganisationId, c.CancellationToken));

        root.Field<NonNullGraphType<ListGraphType<NonNullGraphType<WebhookDeliveryType>>>, IReadOnlyList<WebhookDelivery>>("webhookDeliveries")
            .Description("An endpoint's deliveries, the latest sequence first: status, attempts, last error, next attempt. Errors: WEBHOOK_NOT_FOUND, PAGE_SIZE_TOO_LARGE.")
            .Argument<NonNullGraphType<IdGraphType>>("webhookId", "The endpoint's id.")
            .Argument<WebhookDeliveryStatusType>("status", "Only deliveries in this status.")
            .Argument<IntGraphType>("first", $"How many, at most {MaxDeliveries} (default 20).")
            .RequireScopes(Scopes.WebhooksManage)
            .ResolveAsync(async c =>
            {
                var first = c.GetArgument("first", 20);
                if (first is < 1 or > MaxDeliveries)
                {
                    throw new UserError(ErrorCodes.PageSizeTooLarge, $"first must be between 1 and {MaxDeliveries}.");
                }

                var id = GlobalId.DecodeLong(c.GetArgument<string>("webhookId"), WebhookRegistry.TypeName);
                return await Registry(c).DeliveriesAsync(c.Request().Caller.OrganisationId, id, c.GetArgument<WebhookDeliveryStatus?>("status"), first, c.CancellationToken);
            });
    }
}

/// <summary>Registering and managing your organisation's webhooks (scope webhooks.manage).</summary>
public sealed class WebhookMutations : IRootFields
{
    public RootOperation Operation => RootOperation.Mutation;

    public void AddFields(ObjectGraphType root)
    {
        root.Field<NonNullGraphType<WebhookPayloadType>, WebhookPayload>("addWebhook")
            .Description("Registers an endpoint; deliveries start with the next change. The secret is in the answer this once. Errors: WEBHOOK_URL_INVALID, WEBHOOK_HTTPS_REQUIRED, WEBHOOK_HOST_NOT_FOUND, WEBHOOK_ADDRESS_NOT_ALLOWED, WEBHOOK_DOCUMENT_INVALID, WEBHOOK_VARIABLES_INVALID, WEBHOOK_LIMIT_REACHED, PII_NOT_ALLOWED.")
            .Argument<NonNullGraphType<AddWebhookInputType>>("input", "The endpoint.")
            .RequireScopes(Scopes.WebhooksManage)
            .ResolveAsync(async c =>
            {
                var input = c.GetArgument<AddWebhookInput>("input");
                var added = await Registry(c).AddAsync(c.Request().Caller.OrganisationId, input.Url, input.Document, input.Variables, c.CancellationToken);
                return new WebhookPayload(added.Endpoint, added.Secret);
            });

        root.Field<NonNullGraphType<WebhookPayloadType>, WebhookPayload>("disableWebhook")
            .Description("Stops deliveries to an endpoint; replayWebhook starts them again. Errors: WEBHOOK_NOT_FOUND.")
            .Argument<NonNullGraphType<WebhookIdInputType>>("input", "The endpoint.")
            .RequireScopes(Scopes.WebhooksManage)
            .ResolveAsync(async c => new WebhookPayload(await Registry(c).DisableAsync(c.Request().Caller.OrganisationId, IdOf(c), "Disabled by your organisation.", c.CancellationToken)));

        root.Field<NonNullGraphType<WebhookPayloadType>, WebhookPayload>("rotateWebhookSecret")
            .Description("A new signing secret, in the answer this once. For a day deliveries carry signatures by both secrets, so the receiver can switch without a gap. Errors: WEBHOOK_NOT_FOUND.")
            .Argument<NonNullGraphType<WebhookIdInputType>>("input", "The endpoint.")
            .RequireScopes(Scopes.WebhooksManage)
            .ResolveAsync(async c =>
            {
                var rotated = await Registry(c).RotateSecretAsync(c.Request().Caller.OrganisationId, IdOf(c), c.CancellationToken);
                return new WebhookPayload(rotated.Endpoint, rotated.Secret);
            });

        root.Field<NonNullGraphType<WebhookPayloadType>, WebhookPayload>("replayWebhook")
            .Description("Delivers again every change from a sequence on, in order, and enables a disabled endpoint. Errors: WEBHOOK_NOT_FOUND, INVALID_CURSOR.")
            .Argument<NonNullGraphType<ReplayWebhookInputType>>("input", "The endpoint and the first sequence.")
            .RequireScopes(Scopes.WebhooksManage)
            .ResolveAsync(async c =>
            {
                var input = c.GetArgument<ReplayWebhookInput>("input");
                var id = GlobalId.DecodeLong(input.WebhookId, WebhookRegistry.TypeName);
                return new WebhookPayload(await Registry(c).ReplayAsync(c.Request().Caller.OrganisationId, id, input.FromSequence, c.CancellationToken));
            });
    }

    private static long IdOf(IResolveFieldContext c) => GlobalId.DecodeLong(c.GetArgument<WebhookIdInput>("input").WebhookId, WebhookRegistry.TypeName);
}

internal static class WebhookResolvers
{
    /// <summary>The registry, from the request's services: it needs the schemas, which are built from these fields.</summary>
    public static WebhookRegistry Registry(IResolveFieldContext context) => context.RequestServices!.GetRequiredService<WebhookRegistry>();
}
