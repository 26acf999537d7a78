using GraphQL.Types;
using PartnerGraph.Domain.Webhooks;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.GraphQL.Webhooks;

public sealed class WebhookType : ObjectGraphType<WebhookEndpoint>
{
    public WebhookType()
    {
        Name = WebhookRegistry.TypeName;
        Description = "An address your organisation registered: each referral status change it may see is run through the document and POSTed there, signed (Standard Webhooks).";
        Field<NonNullGraphType<IdGraphType>, string>("id").Resolve(c => WebhookRegistry.IdOf(c.Source.Id));
        Field(e => e.Url).Description("Where deliveries are POSTed.");
        Field<NonNullGraphType<WebhookStatusType>, WebhookStatus>("status").Resolve(c => c.Source.Status);
        Field(e => e.DisabledReason, nullable: true).Description("Why deliveries stopped, when they did.");
        Field(e => e.Document).Description("The referralStatusChanged subscription each event is run through.");
        Field(e => e.Variables, nullable: true).Description("The document's variables, as JSON.");
        Field(e => e.CreatedAt).Description("When it was registered (UTC).");
        Field(e => e.SecretRotatedAt, nullable: true).Description("When the signing secret was last rotated (UTC).");
        Field<NonNullGraphType<LongGraphType>, long>("cursor").Description("The last sequence delivered; the next delivery is the first later change your organisation may see.").Resolve(c => c.Source.Cursor);
    }
}

public sealed class WebhookStatusType : EnumerationGraphType<WebhookStatus>
{
    public WebhookStatusType()
    {
        Name = "WebhookStatus";
        Description = "Whether an endpoint is delivered to.";
        Values["ACTIVE"]!.Description = "Deliveries run.";
        Values["DISABLED"]!.Description = "Deliveries stopped (disabledReason says why); replayWebhook starts them again.";
    }
}

public sealed class WebhookDeliveryStatusType : EnumerationGraphType<WebhookDeliveryStatus>
{
    public WebhookDeliveryStatusType()
    {
        Name = "WebhookDeliveryStatus";
        Description = "Where the delivery of one event stands.";
        Values["PENDING"]!.Description = "Not yet acknowledged; nextAttemptAt says when it is tried again.";
        Values["DELIVERED"]!.Description = "The receiver answered 2xx.";
        Values["FAILED"]!.Description = "Given up: the endpoint was disabled with it pending.";
    }
}

public sealed class WebhookDeliveryType : ObjectGraphType<WebhookDelivery>
{
    public WebhookDeliveryType()
    {
        Name = "WebhookDelivery";
        Description = "The delivery of one event to one endpoint. Its webhook-id header is evt_ and the sequence, on every attempt.";
        Field<NonNullGraphType<LongGraphType>, long>("sequence").Description("The event's sequence (referralStatusChanged's).").Resolve(c => c.Source.Sequence);
        Field<NonNullGraphType<WebhookDeliveryStatusType>, WebhookDeliveryStatus>("status").Resolve(c => c.Source.Status);
        Field(d => d.Attempts).Description("How many times it was sent.");
        Field(d => d.FirstAttemptAt).Description("When it was first sent (UTC).");
        Field(d => d.LastAttemptAt, nullable: true).Description("When it was last sent (UTC).");
        Field(d => d.NextAttemptAt, nullable: true).Description("When it is sent again, while pending (UTC).");
        Field(d => d.DeliveredAt, nullable: true).Description("When the receiver acknowledged it (UTC).");
        Field(d => d.LastStatusCode, nullable: true).Description("The receiver's HTTP status the last time, when it answered.");
        Field(d => d.LastError, nullable: true).Description("What went wrong the last time.");
    }
}

public sealed record WebhookPayload(WebhookEndpoint Webhook, string? Secret = null);

public sealed class WebhookPayloadType : ObjectGraphType<WebhookPayload>
{
    public WebhookPayloadType()
    {
        Name = "WebhookPayload";
        Description = "The endpoint after the change; with its new signing secret when one was made.";
        Field<NonNullGraphType<WebhookType>, WebhookEndpoint>("webhook").Resolve(c => c.Source.Webhook);
        Field(p => p.Secret, nullable: true).Description("The signing secret (whsec_...), shown this once: keep it to verify webhook-signature. Null when the secret did not change.");
    }
}

public sealed class AddWebhookInput
{
    public string Url { get; set; } = "";
    public string Document { get; set; } = "";
    public string? Variables { get; set; }
}

public sealed class AddWebhookInputType : InputObjectGraphType<AddWebhookInput>
{
    public AddWebhookInputType()
    {
        Name = "AddWebhookInput";
        Description = "An endpoint for your organisation.";
        Field<NonNullGraphType<StringGraphType>>("url").Description("An https address that is public (not loopback, private, link-local or metadata).");
        Field<NonNullGraphType<StringGraphType>>("document").Description("A referralStatusChanged subscription choosing the fields each delivery carries, e.g. subscription { referralStatusChanged { sequence status referral { reference } } }.");
        Field<StringGraphType>("variables").Description("The document's variables as a JSON object, e.g. {\"referralId\": \"...\"}.");
    }
}

public sealed class WebhookIdInput
{
    public string WebhookId { get; set; } = "";
}

public sealed class WebhookIdInputType : InputObjectGraphType<WebhookIdInput>
{
    public WebhookIdInputType()
    {
        Name = "WebhookIdInput";
        Description = "One of your organisation's endpoints.";
        Field<NonNullGraphType<IdGraphType>>("webhookId").Description("The endpoint's id (the webhooks query lists them).");
    }
}

public sealed class ReplayWebhookInput
{
    public string WebhookId { get; set; } = "";
    public long FromSequence { get; set; }
}

public sealed class ReplayWebhookInputType : InputObjectGraphType<ReplayWebhookInput>
{
    public ReplayWebhookInputType()
    {
        Name = "ReplayWebhookInput";
        Description = "Deliver again from a sequence on.";
        Field<NonNullGraphType<IdGraphType>>("webhookId").Description("The endpoint's id.");
        Field<NonNullGraphType<LongGraphType>>("fromSequence").Description("The first sequence to deliver again (1 for every change on record); each keeps its webhook-id.");
    }
}
