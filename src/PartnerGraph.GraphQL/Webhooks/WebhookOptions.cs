using PartnerGraph.Domain.Webhooks;

namespace PartnerGraph.GraphQL.Webhooks;

/// <summary>The Webhooks section of the configuration.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Networks (CIDRs or addresses, space- or comma-separated) webhooks may reach although they are not public, e.g. "10.20.0.0/16".</summary>
    public string? AllowedAddresses { get; set; }

    /// <summary>How often each instance looks for endpoints to deliver to and for new events when no signal comes.</summary>
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>How long an instance owns an endpoint's deliveries without renewing its lease (renewed every third of it).</summary>
    public int LeaseSeconds { get; set; } = 30;

    public TimeSpan FirstRetryDelay { get; set; } = WebhookRetrySchedule.Default.FirstDelay;

    public TimeSpan MaxRetryDelay { get; set; } = WebhookRetrySchedule.Default.MaxDelay;

    /// <summary>How long one event may keep failing before the endpoint is disabled (at least 3 days by default).</summary>
    public TimeSpan GiveUpAfter { get; set; } = WebhookRetrySchedule.Default.GiveUpAfter;

    /// <summary>How long a receiver has to answer one delivery.</summary>
    public int TimeoutSeconds { get; set; } = 15;

    public int ConnectTimeoutSeconds { get; set; } = 5;

    /// <summary>How much of a receiver's answer is read at most; the rest is dropped.</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024;

    /// <summary>How long deliveries are signed with the previous secret too after a rotation.</summary>
    public int PreviousSecretHours { get; set; } = 24;

    public int MaxEndpointsPerOrganisation { get; set; } = 10;

    /// <summary>The base64 of 32 bytes that encrypts signing secrets at rest (<see cref="WebhookSecretProtector"/>); required outside Development.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Earlier values of <see cref="SecretKey"/> (comma-separated), still used to open secrets stored under them.</summary>
    public string? PreviousSecretKeys { get; set; }

    public WebhookRetrySchedule RetrySchedule => new(FirstRetryDelay, MaxRetryDelay, GiveUpAfter);
}
