namespace CallbackPipeline.Storage.Queue;

/// <summary>The values of <c>Queue:Transport</c>.</summary>
public static class QueueTransports
{
    /// <summary>Redis Streams, the default.</summary>
    public const string Redis = "redis";

    /// <summary>An Azure Service Bus queue.</summary>
    public const string ServiceBus = "servicebus";
}
