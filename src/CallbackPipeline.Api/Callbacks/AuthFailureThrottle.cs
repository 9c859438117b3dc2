using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using CallbackPipeline.Api.Hosting;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Callbacks;

/// <summary>
/// Throttles repeated authentication failures per (source address, provider): each 401 spends a permit of a
/// fixed one-minute window, and while a partition has none left its requests are refused before the body is read
/// or any signature computed. Successful requests spend nothing, so a provider's real volume is never limited.
/// </summary>
public sealed class AuthFailureThrottle : IDisposable
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<Source>? limiter;

    public AuthFailureThrottle(IOptions<CallbacksOptions> options)
    {
        var permits = options.Value.AuthFailuresPerMinute;
        if (permits == 0) return;
        // No timer per partition: the partitioned limiter's own heartbeat replenishes them and drops idle ones.
        limiter = PartitionedRateLimiter.Create<Source, Source>(source => RateLimitPartition.GetFixedWindowLimiter(source, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = Window,
            QueueLimit = 0,
            AutoReplenishment = false,
        }));
    }

    /// <summary>How long the source must wait before trying this provider again, or null when it may try now.</summary>
    public TimeSpan? RetryAfter(IPAddress? address, string providerId)
    {
        if (limiter is null) return null;
        // Asking for zero permits tells whether any are left without spending one.
        using var lease = limiter.AttemptAcquire(new Source(Normalize(address), providerId), 0);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : Window;
    }

    /// <summary>Records one failed authentication of the source against the provider.</summary>
    public void Failed(IPAddress? address, string providerId)
    {
        if (limiter is null) return;
        using var lease = limiter.AttemptAcquire(new Source(Normalize(address), providerId));
    }

    public void Dispose() => limiter?.Dispose();

    /// <summary>
    /// IPv4-mapped addresses become IPv4; IPv6 addresses are cut to their /64, the block one subscriber usually holds,
    /// so rotating through its own addresses does not buy an attacker fresh permits.
    /// </summary>
    private static IPAddress Normalize(IPAddress? address)
    {
        if (address is null) return IPAddress.None;
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address;
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    private readonly record struct Source(IPAddress Address, string ProviderId);
}
