using CallbackPipeline.Core.Events;

namespace CallbackPipeline.Storage.Queue;

/// <summary>
/// The queue between receiver and worker. One transport per deployment (Redis Streams or Azure Service Bus),
/// both with the same promise: an enqueue that returns has durably stored all its events, and a delivery
/// stays in the queue until it is completed or dead-lettered.
/// </summary>
public interface IEventQueue
{
    /// <summary>Stores the events of one request as one message: all of them or none.</summary>
    /// <exception cref="QueueUnavailableException">The queue is over its depth limit or cannot be reached.</exception>
    Task EnqueueAsync(IReadOnlyList<CallbackEvent> events, string? traceParent, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="max"/> messages not yet completed: new ones, and ones a crashed consumer left behind.</summary>
    Task<IReadOnlyList<QueueDelivery>> ReceiveAsync(int max, CancellationToken cancellationToken);

    /// <summary>Removes messages whose events have been applied.</summary>
    Task CompleteAsync(IReadOnlyList<QueueDelivery> deliveries, CancellationToken cancellationToken);

    /// <summary>Moves a message that can never be applied aside, with the reason.</summary>
    Task DeadLetterAsync(QueueDelivery delivery, string reason, CancellationToken cancellationToken);

    /// <summary>Messages waiting or in flight.</summary>
    Task<long> DepthAsync(CancellationToken cancellationToken);

    /// <summary>Depth, age of the oldest message not yet applied, and dead-lettered messages, read together.</summary>
    Task<QueueStats> StatsAsync(CancellationToken cancellationToken);
}
