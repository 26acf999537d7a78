using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PartnerGraph.Domain.Webhooks;
using PartnerGraph.GraphQL.Common;

namespace PartnerGraph.GraphQL.Webhooks;

/// <summary>
/// Where webhooks may go: https only outside Development, and only to addresses <see cref="WebhookAddresses"/> allows,
/// checked when an endpoint is registered (every address its name resolves to) and again at every connection, on the
/// address actually connected to, so a name that resolves elsewhere later (DNS rebinding) cannot reach inside.
/// </summary>
public sealed class WebhookAddressGuard(IOptions<WebhookOptions> options, IHostEnvironment environment)
{
    public const int MaxUrlLength = 2048;

    public WebhookAddresses Rules { get; } = WebhookAddresses.Allowing(options.Value.AllowedAddresses);

    /// <summary>Whether plain http is allowed (Development only).</summary>
    public bool AllowsHttp => environment.IsDevelopment();

    /// <summary>The address as registered, or a refusal a partner can act on.</summary>
    public async Task<Uri> CheckAsync(string url, CancellationToken cancellationToken)
    {
        var uri = CheckForm(url);
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(uri.Host, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            throw new UserError(ErrorCodes.WebhookHostNotFound, "The url's host name does not resolve. Register an address that does.");
        }

        if (addresses.Length == 0 || addresses.Any(a => !Rules.MayReach(a)))
        {
            // The address itself is not named: a partner learns nothing about the networks inside.
            throw new UserError(ErrorCodes.WebhookAddressNotAllowed, "The url's host is, or resolves to, an address webhooks may not reach (loopback, private, link-local, metadata, multicast or unspecified). Register a public address.");
        }

        return uri;
    }

    /// <summary>The address's form: absolute http(s), no user name or password, https outside Development.</summary>
    public Uri CheckForm(string url)
    {
        if (url is null || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.UserInfo.Length > 0 || uri.Host.Length == 0)
        {
            throw new UserError(ErrorCodes.WebhookUrlInvalid, $"url must be an absolute https address (https://host/path), without a user name or password, at most {MaxUrlLength} characters.");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !AllowsHttp)
        {
            throw new UserError(ErrorCodes.WebhookHttpsRequired, "url must be an https address: deliveries carry referral data and are sent over TLS only.");
        }

        return uri;
    }

    /// <summary>An HTTP client that delivers only through this guard: no proxy, no redirects, no cookies, checked connections.</summary>
    public HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(options.Value.ConnectTimeoutSeconds),
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        MaxResponseHeadersLength = 16,
        ConnectCallback = ConnectAsync,
    })
    {
        Timeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds),
        MaxResponseContentBufferSize = options.Value.MaxResponseBytes,
    };

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var allowed = (await ResolveAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false)).Where(Rules.MayReach).ToArray();
        if (allowed.Length == 0)
        {
            throw new WebhookAddressRefusedException();
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            if (socket.RemoteEndPoint is not IPEndPoint remote || !Rules.MayReach(remote.Address))
            {
                throw new WebhookAddressRefusedException();
            }

            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var bare = host.TrimStart('[').TrimEnd(']');
        return IPAddress.TryParse(bare, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(bare, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>A delivery's connection would have reached an address webhooks may not reach.</summary>
public sealed class WebhookAddressRefusedException : IOException
{
    public WebhookAddressRefusedException()
        : base("The address the url resolved to when connecting is one webhooks may not reach.")
    {
    }

    public WebhookAddressRefusedException(string message)
        : base(message)
    {
    }

    public WebhookAddressRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
