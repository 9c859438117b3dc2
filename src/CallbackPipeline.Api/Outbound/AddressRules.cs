using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace CallbackPipeline.Api.Outbound;

/// <summary>
/// Which addresses are not public, and why: loopback, private (RFC 1918, IPv6 unique local), link-local (where cloud
/// instance metadata lives), carrier-grade NAT, multicast, unspecified, and the reserved ranges. An IPv6 address that
/// carries an IPv4 one (mapped, compatible, NAT64, 6to4) is judged by the IPv4 address it carries.
/// </summary>
public static class AddressRules
{
    private static readonly (IPNetwork Network, string Rule)[] NotPublic =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "carrier-grade NAT"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.0.0.0/24"), "reserved"),
        (IPNetwork.Parse("192.0.2.0/24"), "reserved"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("198.18.0.0/15"), "reserved"),
        (IPNetwork.Parse("198.51.100.0/24"), "reserved"),
        (IPNetwork.Parse("203.0.113.0/24"), "reserved"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("100::/64"), "reserved"),
        (IPNetwork.Parse("2001::/32"), "reserved"),
        (IPNetwork.Parse("2001:db8::/32"), "reserved"),
        (IPNetwork.Parse("fc00::/7"), "private"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "link-local"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    private static readonly IPNetwork Compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>The rule that makes the address not public (<c>loopback</c>, <c>private</c>, …), or null for a public address.</summary>
    public static string? NotPublicRule(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && Embedded(address) is { } inner) return NotPublicRule(inner);
        foreach (var (network, rule) in NotPublic)
        {
            if (network.Contains(address)) return rule;
        }
        return null;
    }

    private static IPAddress? Embedded(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        // ::/96 holds the unspecified and loopback addresses themselves, which the table judges as they are.
        if (Compatible.Contains(address) && BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(12)) > 1) return new IPAddress(bytes.AsSpan(12, 4));
        if (Nat64.Contains(address)) return new IPAddress(bytes.AsSpan(12, 4));
        if (SixToFour.Contains(address)) return new IPAddress(bytes.AsSpan(2, 4));
        return null;
    }
}
