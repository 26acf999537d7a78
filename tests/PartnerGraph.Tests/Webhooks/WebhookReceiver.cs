using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace PartnerGraph.Tests.Webhooks;

/// <summary>One POST as the receiver got it: the headers Standard Webhooks names, the raw body, and whether its signature held.</summary>
public sealed record ReceivedDelivery(string Id, string Timestamp, string Signature, byte[] Body, bool SignatureValid, DateTime At)
{
    public string Text => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// A partner's receiver on 127.0.0.1, as a partner would write one: it verifies the signature (HMAC-SHA256 recomputed
/// with the secret, compared in constant time; the timestamp within 5 minutes), answers 500 while told to fail, and
/// takes each webhook-id once (a repeat is acknowledged and dropped).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly Lock gate = new();
    private readonly List<ReceivedDelivery> all = [];
    private readonly List<ReceivedDelivery> accepted = [];
    private readonly HashSet<string> seen = new(StringComparer.Ordinal);
    private readonly Task loop;
    private int failuresLeft;
    private TaskCompletionSource<string>? held;
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WebhookReceiver(int port, Func<HttpListenerContext, bool>? answer = null)
    {
        Port = port;
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        loop = Task.Run(() => ServeAsync(answer));
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hooks/partnergraph";

    /// <summary>The secret to verify with (known once the endpoint is registered).</summary>
    public string? Secret { get; set; }

    /// <summary>Every POST, repeats included, in the order they came.</summary>
    public IReadOnlyList<ReceivedDelivery> All
    {
        get
        {
            lock (gate)
            {
                return [.. all];
            }
        }
    }

    /// <summary>The deliveries taken: valid signature, acknowledged, first of their webhook-id.</summary>
    public IReadOnlyList<ReceivedDelivery> Accepted
    {
        get
        {
            lock (gate)
            {
                return [.. accepted];
            }
        }
    }

    /// <summary>Answer 500 to the next so many deliveries.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref failuresLeft, count);

    /// <summary>Holds the next delivery unanswered (the sender waits on it) until <see cref="Release"/>: its webhook-id once it has come.</summary>
    public Task<string> HoldNextAsync()
    {
        held = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        return held.Task;
    }

    public void Release() => released.TrySetResult();

    public async Task<IReadOnlyList<ReceivedDelivery>> WaitForAsync(int accepted, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Accepted.Count < accepted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return Accepted;
    }

    /// <summary>Verifies a delivery as a receiver does (README's C# example): a v1 signature in the header that is HMAC-SHA256 of id.timestamp.body, the timestamp within 5 minutes.</summary>
    public static bool VerifyWebhook(string secret, string? id, string? timestamp, string? signatures, byte[] body)
    {
        if (id is null || signatures is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }

        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var expected = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.").Concat(body).ToArray());
        foreach (var signature in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var given = new byte[32];
            if (signature.Split(',', 2) is ["v1", var value] && Convert.TryFromBase64String(value, given, out var length)
                && length == given.Length && CryptographicOperations.FixedTimeEquals(expected, given))
            {
                return true;
            }
        }

        return false;
    }

    private async Task ServeAsync(Func<HttpListenerContext, bool>? answer)
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            try
            {
                if (answer?.Invoke(context) == true)
                {
                    continue;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                var headers = context.Request.Headers;
                var id = headers["webhook-id"] ?? "";
                var timestamp = headers["webhook-timestamp"] ?? "";
                var signature = headers["webhook-signature"] ?? "";
                var valid = Secret is { } secret && VerifyWebhook(secret, id, timestamp, signature, body.ToArray());
                var delivery = new ReceivedDelivery(id, timestamp, signature, body.ToArray(), valid, DateTime.UtcNow);
                if (Interlocked.Exchange(ref held, null) is { } hold)
                {
                    // Recorded as come, never acknowledged: the sender is killed while it waits for the answer.
                    lock (gate)
                    {
                        all.Add(delivery);
                    }

                    hold.TrySetResult(id);
                    await released.Task;
                    context.Response.Abort();
                    continue;
                }

                var fail = Interlocked.Decrement(ref failuresLeft) >= 0;
                lock (gate)
                {
                    all.Add(delivery);
                    if (!fail && valid && seen.Add(id))
                    {
                        accepted.Add(delivery);
                    }
                }

                context.Response.StatusCode = fail ? 500 : valid ? 204 : 401;
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
            {
                // the sender went away mid-request (a killed server): it will send again
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await loop;
    }
}
