namespace CallbackPipeline.Storage.Redis;

/// <summary>
/// Whether a Redis primary may evict keys, as <see cref="RedisEvictionMonitor"/> last read it: <c>maxmemory</c> set
/// with a <c>maxmemory-policy</c> other than <c>noeviction</c>. Once such a Redis fills up it deletes keys the counts
/// depend on: the <c>volatile-*</c> policies take the dedup records (they expire), so a provider's retry counts twice;
/// the <c>allkeys-*</c> policies take queued callbacks and unflushed counters too. Until the policy is first read, and
/// while one may evict, the Redis Streams receiver queues nothing (503) and the worker counts nothing
/// (docs/reliability.md, "What exactly-once assumes of Redis").
/// </summary>
public sealed class RedisEviction
{
    private volatile string? policy;
    private long readings;

    /// <summary>The policy of a primary that may evict (<c>allkeys-lru</c>, <c>volatile-ttl</c>, …), null when none may.</summary>
    public string? EvictingPolicy => policy;

    /// <summary>Why nothing may be queued or counted now, for 503 bodies, health checks and logs; null when it may.</summary>
    public string? Reason =>
        !Known ? "Whether Redis may evict keys has not been read yet."
        : policy is { } p ? $"Redis may evict keys (maxmemory-policy {p}), so nothing is queued or counted until its maxmemory-policy is noeviction."
        : null;

    /// <summary>Whether the policy has been read at all since start-up.</summary>
    public bool Known => Readings > 0;

    /// <summary>How many times the policy has been read since start-up.</summary>
    public long Readings => Interlocked.Read(ref readings);

    public void Report(string? evictingPolicy)
    {
        policy = evictingPolicy;
        Interlocked.Increment(ref readings);
    }
}
