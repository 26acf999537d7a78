// A partner system's follower of referral changes, with PartnerGraph.Client: it gets a token, asks who it is, then
// prints every status change of its organisation's referrals, resuming after a restart from the file it keeps.
//
//   dotnet run --project src/PartnerGraph.Client.Sample
//
// Settings (environment): PARTNERGRAPH_URL (http://localhost:5080/), PARTNERGRAPH_CLIENT_ID and
// PARTNERGRAPH_CLIENT_SECRET (the demo integrator's), PARTNERGRAPH_SEQUENCE_FILE (referrals.seq). Ctrl+C stops it.
using System.Text.Json.Serialization;
using PartnerGraph.Client;
using PartnerGraph.Client.Subscriptions;

var options = new PartnerGraphClientOptions
{
    Endpoint = new Uri(Environment.GetEnvironmentVariable("PARTNERGRAPH_URL") ?? "http://localhost:5080/"),
    ClientId = Environment.GetEnvironmentVariable("PARTNERGRAPH_CLIENT_ID") ?? "demo-integrator",
    ClientSecret = Environment.GetEnvironmentVariable("PARTNERGRAPH_CLIENT_SECRET") ?? "demo-secret-integrator",
    OnSubscriptionEvent = e => Console.Error.WriteLine(e.Kind == SubscriptionEventKind.Subscribed
        ? $"subscribed, after {e.After}"
        : $"connection lost ({e.Detail}); trying again in {e.RetryIn?.TotalSeconds:F1} s"),
};
options.Scopes.Add("referrals.read");
var store = new FileSequenceStore(Environment.GetEnvironmentVariable("PARTNERGRAPH_SEQUENCE_FILE") ?? "referrals.seq");

using var stopping = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopping.Cancel();
};

using var client = new PartnerGraphClient(options);
try
{
    var viewer = await client.SendAsync(
        GraphQLRequest.FromText("{ viewer { clientId organisation { slug nameEn } scopes } }"),
        SampleJson.Default.ViewerData,
        stopping.Token);
    Console.WriteLine($"{viewer.Viewer.ClientId} of {viewer.Viewer.Organisation.NameEn} ({viewer.Viewer.Organisation.Slug}), scopes: {string.Join(' ', viewer.Viewer.Scopes)}");
    Console.WriteLine($"following referral changes after {await store.LoadAsync(stopping.Token) ?? 0} ({store.Path})");

    await foreach (var change in client.FollowReferralChangesAsync(store, cancellationToken: stopping.Token))
    {
        // Handle the change here; its sequence is saved when the loop comes round for the next one.
        Console.WriteLine($"{change.Sequence} {change.Referral.Reference} {change.PreviousStatus ?? "-"} -> {change.Status} by {change.ChangedBy.Slug} at {change.ChangedAt:u}");
    }
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    Console.WriteLine($"stopped; the next run resumes after {await store.LoadAsync(CancellationToken.None)}");
}
catch (Exception e) when (e is GraphQLException or TokenRequestException or SubscriptionClosedException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

return 0;

internal sealed record ViewerData(Viewer Viewer);

internal sealed record Viewer(string ClientId, Organisation Organisation, IReadOnlyList<string> Scopes);

internal sealed record Organisation(string Slug, string NameEn);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ViewerData))]
internal sealed partial class SampleJson : JsonSerializerContext;
