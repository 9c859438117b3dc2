using System.ComponentModel.DataAnnotations;

namespace CallbackPipeline.Api.Hosting;

/// <summary>Section <c>Callbacks</c>.</summary>
public sealed class CallbacksOptions
{
    public const string Section = "Callbacks";

    /// <summary>The base URL providers call and signatures cover; defaults to the listening URL.</summary>
    [Url(ErrorMessage = "Callbacks:PublicBaseUrl must be an absolute URL.")]
    public string? PublicBaseUrl { get; set; }

    /// <summary>How long a rotated callback token keeps working; zero revokes it at once.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "30.00:00:00")]
    public TimeSpan TokenRotationGrace { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Request bodies over this many bytes are answered 413.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How long the receiver trusts its cached copy of a provider before reading it again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan ProviderCacheTtl { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many providers (and unknown ids) the receiver keeps cached. Past it the least recently used are dropped,
    /// unknown ids first, so a flood of junk ids cannot push out the providers a PostgreSQL outage is served from.
    /// </summary>
    [Range(1, 100_000_000)]
    public int ProviderCacheSize { get; set; } = 100_000;

    /// <summary>How long a 503 asks the caller to wait before retrying (<c>Retry-After</c>, in whole seconds).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Failed authentications (401) one source may have against one provider per minute before its requests to that
    /// provider get 429 until the minute is over; zero turns the throttle off.
    /// </summary>
    [Range(0, 1_000_000)]
    public int AuthFailuresPerMinute { get; set; } = 30;

    /// <summary>How long a client may take to send the request headers (Kestrel's RequestHeadersTimeout).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The slowest request body accepted, in bytes per second, once <see cref="MinBodyRateGrace"/> has passed.</summary>
    [Range(1, 1_000_000)]
    public int MinBodyBytesPerSecond { get; set; } = 240;

    /// <summary>How long a body may be slower than <see cref="MinBodyBytesPerSecond"/> before the request is ended (more than Kestrel's 1 s heartbeat).</summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:05:00")]
    public TimeSpan MinBodyRateGrace { get; set; } = TimeSpan.FromSeconds(5);
}
