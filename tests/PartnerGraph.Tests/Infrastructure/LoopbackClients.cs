using System.Net;
using System.Net.Sockets;

namespace PartnerGraph.Tests.Infrastructure;

/// <summary>
/// HTTP clients that connect from a chosen loopback address: every address of 127.0.0.0/8 reaches a server listening on
/// 127.0.0.1, so one test can be several sources (an attacker, the owner) as the server sees them. Redirects are never
/// followed, so each Location is what a browser would be sent.
/// </summary>
public static class LoopbackClients
{
    public static HttpClient From(string sourceAddress, Uri server, CookieContainer? cookies = null)
    {
        var source = IPAddress.Parse(sourceAddress);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = server };
    }
}
