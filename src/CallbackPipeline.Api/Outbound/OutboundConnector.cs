using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Outbound;

/// <summary>
/// Opens every outbound connection itself, so the rule is checked on the address actually connected to: a host name
/// is resolved here and only its permitted addresses are tried. A name that resolves to a private address at send
/// time (DNS rebinding) and a redirect to one (each redirect opens its own connection) are refused alike.
/// </summary>
public sealed class OutboundConnector
{
    private readonly bool allowAll;
    private readonly IPNetwork[] allowed;

    public OutboundConnector(IOptions<OutboundOptions> options)
    {
        allowAll = options.Value.AllowPrivateNetworks;
        allowed = [.. options.Value.AllowedNetworks.Select(n => IPNetwork.Parse(n))];
    }

    /// <summary>The handler for outbound clients: connections through <see cref="ConnectAsync"/>, and no proxy, which would connect in our stead.</summary>
    public SocketsHttpHandler CreateHandler() => new()
    {
        ConnectCallback = ConnectAsync,
        UseProxy = false,
        MaxAutomaticRedirections = 5,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
    };

    /// <summary>Why the address may not be reached, or null when it may.</summary>
    public string? Refusal(IPAddress address)
    {
        if (allowAll) return null;
        if (allowed.Any(n => n.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address))) return null;
        return AddressRules.NotPublicRule(address);
    }

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var permitted = addresses.Where(a => Refusal(a) is null).ToArray();
        if (permitted.Length == 0)
        {
            var rules = addresses.Select(Refusal).Distinct().ToArray();
            throw new OutboundRefusedException(addresses.Length == 0
                ? $"{host} does not resolve to any address"
                : $"outbound requests go to public addresses only, and {host} is a {string.Join(" and ", rules)} address (Outbound:AllowPrivateNetworks is off)");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(permitted, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
