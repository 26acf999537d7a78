using System.Globalization;
using PartnerGraph.GraphQL.Pipeline;
using PartnerGraph.Identity;

namespace PartnerGraph.GraphQL.Webhooks;

/// <summary>
/// A webhook's deliveries run as its organisation: the scopes its enabled clients hold now, and its agreements (read by
/// the pipeline like any caller's). The client id in the access log names the endpoint.
/// </summary>
public sealed class WebhookCredential(long endpointId, string organisationId) : CallerCredential
{
    public static string ClientIdOf(long endpointId) => string.Create(CultureInfo.InvariantCulture, $"webhook:{endpointId}");

    public override async Task<CallerResolution> ResolveAsync(CallerResolver callers, bool fresh, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callers);
        var scopes = await callers.OrganisationScopesAsync(organisationId, fresh, cancellationToken).ConfigureAwait(false);
        return new CallerResolution(new Caller(organisationId, ClientIdOf(endpointId), null, scopes), null, null, true);
    }
}
