using System.ComponentModel.DataAnnotations;

namespace CallbackPipeline.Storage.Queue;

/// <summary>Section <c>Queue</c>.</summary>
public sealed class QueueOptions
{
    public const string Section = "Queue";

    /// <summary><c>redis</c> (Redis Streams) or <c>servicebus</c>.</summary>
    [Required, RegularExpression("^(redis|servicebus)$", ErrorMessage = "Queue:Transport must be 'redis' or 'servicebus'.")]
    public string Transport { get; set; } = QueueTransports.Redis;

    /// <summary>Messages waiting or in flight above which receivers answer 503.</summary>
    [Range(1, long.MaxValue)]
    public long MaxDepth { get; set; } = 1_000_000;

    /// <summary>Redis Streams: <c>XADD</c>s in flight at once per receiver process; requests arriving meanwhile are coalesced.</summary>
    [Range(1, 64)]
    public int EnqueueConcurrency { get; set; } = 4;

    /// <summary>Redis Streams: a coalesced stream entry stops growing at this many events.</summary>
    [Range(1, 100_000)]
    public int MaxEventsPerEntry { get; set; } = 500;

    /// <summary>Redis Streams: requests that may wait for an <c>XADD</c> before a receiver answers 503.</summary>
    [Range(1, 1_000_000)]
    public int MaxWaitingEnqueues { get; set; } = 10_000;

    /// <summary>Messages a worker takes at once.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>How long a message may sit with a consumer before another takes it over; longer than any batch takes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ClaimIdle { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How many times <see cref="MaxDeliveries"/> a message may be delivered before it is dead-lettered without being
    /// tried: one whose every try stops the worker that makes it.
    /// </summary>
    public const int CrashDeliveries = 10;

    /// <summary>
    /// Deliveries after which a message whose apply fails (for another reason than an outage) is dead-lettered.
    /// </summary>
    [Range(1, 1000)]
    public int MaxDeliveries { get; set; } = 10;

    /// <summary>The longest a worker sleeps between polls of an empty queue.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:10")]
    public TimeSpan MaxPollDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often receivers re-read the queue depth they compare with <see cref="MaxDepth"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan DepthRefresh { get; set; } = TimeSpan.FromMilliseconds(250);
}
