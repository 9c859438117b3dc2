using CallbackPipeline.Core.Events;

namespace CallbackPipeline.Storage.Queue;

/// <summary>One message handed to a consumer. <see cref="Events"/> is null when the payload could not be read.</summary>
public sealed record QueueDelivery(string Id, IReadOnlyList<CallbackEvent>? Events, string? TraceParent, long DeliveryCount, ReadOnlyMemory<byte> Payload)
{
    /// <summary>What the transport needs to settle the message (Service Bus: the received message with its lock).</summary>
    public object? Handle { get; init; }
}
