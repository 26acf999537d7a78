using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using PartnerGraph.Client;
using PartnerGraph.Tests.Infrastructure;

namespace PartnerGraph.Tests.Client;

/// <summary>What the client tests share: options for a started server, a handler that counts token requests, and the typed results they read.</summary>
internal static class ClientTestKit
{
    public static PartnerGraphClientOptions Options(ServerProcess server, string clientId = TestDatabase.AllScopesClient, string secret = TestDatabase.AllScopesSecret) =>
        Options(server.Url, clientId, secret);

    public static PartnerGraphClientOptions Options(Uri server, string clientId, string secret) => new()
    {
        Endpoint = server,
        ClientId = clientId,
        ClientSecret = secret,
        // A killed server is found again within a second or two of its return.
        ReconnectDelay = TimeSpan.FromMilliseconds(200),
        MaxReconnectDelay = TimeSpan.FromSeconds(1),
    };
}

/// <summary>Counts the requests that reach the token endpoint.</summary>
internal sealed class TokenRequestCounter() : DelegatingHandler(new SocketsHttpHandler())
{
    private int count;

    public int Count => Volatile.Read(ref count);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri!.AbsolutePath.EndsWith("/connect/token", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref count);
        }

        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>What a consumer of a subscription has taken, in order, and a way to wait for more.</summary>
internal sealed class Taken
{
    private readonly ConcurrentQueue<long> sequences = new();

    public IReadOnlyList<long> Sequences => [.. sequences];

    public int Count => sequences.Count;

    public void Add(long sequence)
    {
        sequences.Enqueue(sequence);
    }

    /// <summary>Waits until at least count have been taken; fails after the time given, with what came.</summary>
    public async Task WaitForAsync(int count, TimeSpan within, Task consumer)
    {
        var deadline = DateTime.UtcNow + within;
        while (sequences.Count < count)
        {
            if (consumer.IsFaulted)
            {
                await consumer;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{sequences.Count} of {count} taken within {within.TotalSeconds} s: {string.Join(", ", sequences)}");
            await Task.Delay(50);
        }
    }
}

internal sealed record ViewerData(ViewerInfo Viewer);

internal sealed record ViewerInfo(string ClientId, ViewerOrganisation Organisation, IReadOnlyList<string> Scopes);

internal sealed record ViewerOrganisation(string Slug);

internal sealed record CreateReferralData(CreateReferralPayload CreateReferral);

internal sealed record CreateReferralPayload(CreatedReferral Referral, ChangeSequence Change);

internal sealed record CreatedReferral(string Id, string Status, int Version);

internal sealed record ChangeSequence(long Sequence);

/// <summary>The tests' results read through source-generated JSON, as a partner that avoids reflection would.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ViewerData))]
[JsonSerializable(typeof(CreateReferralData))]
internal sealed partial class ClientTestJson : JsonSerializerContext;
