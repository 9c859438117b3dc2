using Microsoft.Extensions.Logging;

namespace CallbackPipeline.Storage;

/// <summary>The stores' log lines, with stable event ids.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(3001, LogLevel.Error, "Redis at {Server} may evict keys (maxmemory {MaxMemory}, maxmemory-policy {Policy}): receiving on Redis Streams and counting are paused until it is noeviction")]
    public static partial void RedisMayEvict(this ILogger logger, string server, string maxMemory, string policy);

    [LoggerMessage(3002, LogLevel.Information, "No Redis primary may evict keys any more: receiving and counting go on")]
    public static partial void RedisEvictionOff(this ILogger logger);

    [LoggerMessage(3003, LogLevel.Warning, "Reading the eviction policy of Redis failed; retrying")]
    public static partial void EvictionReadFailed(this ILogger logger, Exception exception);

    [LoggerMessage(3004, LogLevel.Warning, "Redis refused INFO ({Error}), so whether it may evict keys cannot be checked: make sure its maxmemory-policy is noeviction")]
    public static partial void EvictionUnverifiable(this ILogger logger, string error);
}
