using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace PartnerGraph.Client;

/// <summary>
/// The client's access token (client credentials grant): fetched once and shared, replaced before it expires or when
/// the server rejects it, and fetched by one caller at a time, so a hundred requests meeting an expired token cause
/// one token request, not a hundred.
/// </summary>
internal sealed class ClientCredentialsTokens(HttpClient http, PartnerGraphClientOptions options) : IDisposable
{
    private readonly SemaphoreSlim fetching = new(1, 1);
    private AccessToken? current;

    /// <summary>A token valid for a while yet: the cached one, or a new one.</summary>
    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        if (Usable(Volatile.Read(ref current)) is { } token)
        {
            return token;
        }

        await fetching.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Whoever waited here while another fetched takes that one.
            if (Usable(current) is { } fetched)
            {
                return fetched;
            }

            var fresh = await FetchAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref current, fresh);
            return fresh.Value;
        }
        finally
        {
            fetching.Release();
        }
    }

    /// <summary>
    /// The server refused this token (revoked, expired early, keys rotated): the next caller fetches a new one. A token
    /// already replaced is left alone, so many requests refused together cause one new token.
    /// </summary>
    public void Reject(string token)
    {
        var cached = Volatile.Read(ref current);
        if (cached is not null && cached.Value == token)
        {
            Interlocked.CompareExchange(ref current, null, cached);
        }
    }

    public void Dispose() => fetching.Dispose();

    private string? Usable(AccessToken? token) =>
        token is not null && options.TimeProvider.GetUtcNow() < token.ReplaceAt ? token.Value : null;

    private async Task<AccessToken> FetchAsync(CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "client_credentials"),
            new("client_id", options.ClientId!),
            new("client_secret", options.ClientSecret!),
        };
        if (options.Scopes.Count > 0)
        {
            form.Add(new("scope", string.Join(' ', options.Scopes)));
        }

        var asked = options.TimeProvider.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, options.TokenAddress) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new TokenRequestException($"The token endpoint answered {(int)response.StatusCode} without JSON.", response.StatusCode, null, null, RetryAfterOf(response));
        }

        if (response.StatusCode != HttpStatusCode.OK || String(root, "access_token") is not { Length: > 0 } value)
        {
            var error = String(root, "error");
            var description = String(root, "error_description");
            throw new TokenRequestException(
                $"The token endpoint refused the client credentials: {error ?? "no token"}{(description is null ? "" : $" ({description})")} (HTTP {(int)response.StatusCode}).",
                response.StatusCode == HttpStatusCode.OK ? HttpStatusCode.BadGateway : response.StatusCode,
                error,
                String(root, "code"),
                RetryAfterOf(response));
        }

        var lifetime = root.TryGetProperty("expires_in", out var expiresIn) && expiresIn.TryGetInt64(out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : TimeSpan.FromMinutes(5);

        // Replaced RefreshTokenBefore its expiry, or half way through its life if that is later (a short-lived token).
        var keep = lifetime - options.RefreshTokenBefore;
        if (keep < lifetime / 2)
        {
            keep = lifetime / 2;
        }

        return new AccessToken(value, asked + keep);
    }

    internal static TimeSpan? RetryAfterOf(HttpResponseMessage response) =>
        response.Headers.RetryAfter?.Delta
        ?? (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);

    private static string? String(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private sealed record AccessToken(string Value, DateTimeOffset ReplaceAt);
}
