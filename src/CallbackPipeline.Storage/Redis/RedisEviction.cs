namespace CallbackPipeline.Storage.Redis;

/// <summary>
/// Whether a Redis primary may evict keys, as <see cref="RedisEvictionMonitor"/> last read it: <c>maxmemory</c> set
/// with a <c>maxmemory-policy</c> other than <c>noeviction</c>. Once such a Redis fills up it deletes keys the counts
/// depend on: the <c>volatile-*</c> policies take the dedup records (they expire), so a provider's retry counts twice;
/// the <c>allkeys-*</c> policies take queued callbacks and unflushed counters too. While one may, the Redis Streams
/// receiver queues nothing (503) and the worker counts nothing (docs/reliability.md, "What exactly-once assumes of Redis").
/// </summary>
public sealed class RedisEviction
{
    private readonly TaskCompletionSource firstRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile string? policy;

    /// <summary>The policy of a primary that may evict (<c>allkeys-lru</c>, <c>volatile-ttl</c>, …), null when none may.</summary>
    public string? EvictingPolicy => policy;

    /// <summary>Why nothing is queued or counted, for 503 bodies, health checks and logs; null while nothing may be evicted.</summary>
    public string? Reason => policy is { } p
        ? $"Redis may evict keys (maxmemory-policy {p}), so nothing is queued or counted until its maxmemory-policy is noeviction."
        : null;

    /// <summary>Completes once the policy has been read: the worker counts nothing before.</summary>
    public Task FirstRead => firstRead.Task;

    public void Report(string? evictingPolicy)
    {
        policy = evictingPolicy;
        firstRead.TrySetResult();
    }
}
