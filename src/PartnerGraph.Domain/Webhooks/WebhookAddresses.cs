using System.Net;
using System.Net.Sockets;

namespace PartnerGraph.Domain.Webhooks;

/// <summary>
/// Which addresses a webhook may reach: public unicast addresses only, unless the operator allows a network. Refused:
/// unspecified, loopback, private (RFC 1918, fc00::/7), link-local (169.254/16 with the cloud metadata address,
/// fe80::/10), carrier-grade NAT (100.64/10), multicast and broadcast, "this network" (0/8), the documentation and
/// benchmarking ranges, and an IPv4 address however IPv6 wraps it (mapped, compatible, NAT64, 6to4, Teredo are unwrapped
/// or refused).
/// </summary>
public sealed class WebhookAddresses(IReadOnlyList<IPNetwork> allowed)
{
    private static readonly IPNetwork[] RefusedV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("198.51.100.0/24"),
        IPNetwork.Parse("203.0.113.0/24"),
        IPNetwork.Parse("224.0.0.0/3"),
    ];

    private static readonly IPNetwork[] RefusedV6 =
    [
        IPNetwork.Parse("::/96"),
        IPNetwork.Parse("64:ff9b::/96"),
        IPNetwork.Parse("64:ff9b:1::/48"),
        IPNetwork.Parse("100::/64"),
        IPNetwork.Parse("2001::/32"),
        IPNetwork.Parse("2001:db8::/32"),
        IPNetwork.Parse("2002::/16"),
        IPNetwork.Parse("fc00::/7"),
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("fec0::/10"),
        IPNetwork.Parse("ff00::/8"),
    ];

    public static WebhookAddresses PublicOnly { get; } = new([]);

    /// <summary>The operator's networks, CIDRs or single addresses separated by spaces, commas or semicolons.</summary>
    public static WebhookAddresses Allowing(string? networks) => new((networks ?? "")
        .Split([' ', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(n => n.Contains('/', StringComparison.Ordinal) ? IPNetwork.Parse(n) : new IPNetwork(IPAddress.Parse(n), IPAddress.Parse(n).AddressFamily == AddressFamily.InterNetwork ? 32 : 128))
        .ToList());

    /// <summary>Whether a webhook may connect to this address.</summary>
    public bool MayReach(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (allowed.Any(n => n.BaseAddress.AddressFamily == address.AddressFamily && n.Contains(address)))
        {
            return true;
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => !RefusedV4.Any(n => n.Contains(address)) && !address.Equals(IPAddress.Broadcast),
            AddressFamily.InterNetworkV6 => !address.Equals(IPAddress.IPv6Loopback) && !address.Equals(IPAddress.IPv6None) && !RefusedV6.Any(n => n.Contains(address)),
            _ => false,
        };
    }
}
