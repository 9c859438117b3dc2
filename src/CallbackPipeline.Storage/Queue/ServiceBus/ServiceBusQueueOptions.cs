using System.ComponentModel.DataAnnotations;

namespace CallbackPipeline.Storage.Queue.ServiceBus;

/// <summary>Section <c>Queue:ServiceBus</c>, read when <c>Queue:Transport</c> is <c>servicebus</c>. The namespace comes from <c>ConnectionStrings:servicebus</c>.</summary>
public sealed class ServiceBusQueueOptions
{
    public const string Section = "Queue:ServiceBus";

    /// <summary>The queue, created by <c>migrate</c> when missing.</summary>
    [Required, RegularExpression("^[A-Za-z0-9][A-Za-z0-9._-]{0,259}$")]
    public string QueueName { get; set; } = "callbacks";

    /// <summary>
    /// Events packed into one Service Bus message at most. Service Bus prices and throttles per message, so a receiver
    /// packs the events of the requests it coalesced into as few messages as fit.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxEventsPerMessage { get; set; } = 500;

    /// <summary>Largest message body; below the tier's message size (256 KB on Standard) to leave room for headers.</summary>
    [Range(1024, 100 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 192 * 1024;

    /// <summary>Batch sends in flight at once per receiver process.</summary>
    [Range(1, 64)]
    public int SendConcurrency { get; set; } = 4;

    /// <summary>Requests that may wait for a send before a receiver answers 503.</summary>
    [Range(1, 1_000_000)]
    public int MaxWaitingRequests { get; set; } = 10_000;

    /// <summary>Messages a worker's receiver fetches ahead of its receive calls (they stay locked to it meanwhile).</summary>
    [Range(0, 10_000)]
    public int PrefetchCount { get; set; } = 400;

    /// <summary>How long a receive waits for the first message.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often the queue's runtime properties (depth, dead letters) are read; they come from the management API,
    /// which needs the Manage right and is throttled, so receivers reuse the last reading in between.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan StatsRefresh { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one attempt of a Service Bus operation may take before the SDK retries it (up to <see cref="MaxRetries"/>
    /// times). Short, because a provider waiting on a callback gives up after seconds and retries anyway.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan TryTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Retries of a failed Service Bus operation, with exponential back-off.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>Lock duration set when <c>migrate</c> creates the queue; a batch is applied in milliseconds, far inside it.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:05:00")]
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(1);
}
