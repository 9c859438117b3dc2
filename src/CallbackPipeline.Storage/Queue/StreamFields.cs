namespace CallbackPipeline.Storage.Queue;

/// <summary>The fields of the Redis Streams transport's entries: queue entries, and the dead-letter entries made of them.</summary>
public static class StreamFields
{
    /// <summary>The events (<see cref="QueuePayload"/>), in a queue entry and in its dead letter.</summary>
    public const string Payload = "d";

    /// <summary>The <c>traceparent</c> of the request that queued the entry.</summary>
    public const string TraceParent = "tp";

    /// <summary>A dead letter's queue entry id.</summary>
    public const string EntryId = "id";

    /// <summary>Why it was dead-lettered.</summary>
    public const string Reason = "reason";

    /// <summary>When, in ISO 8601.</summary>
    public const string At = "at";
}
