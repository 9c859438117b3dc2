namespace CallbackPipeline.Storage.Queue;

/// <summary>Nothing was queued: the queue is full or unreachable. The caller answers 503 with Retry-After.</summary>
public sealed class QueueUnavailableException(string reason, Exception? inner = null) : Exception(reason, inner);
