using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Health;

/// <summary>
/// Redis answers a PING within the probe timeout. Registered unhealthy-on-failure: without Redis nothing is queued or
/// counted. A Redis that may evict keys is degraded here; the checks of what it stops (the Redis Streams receiver's
/// <c>queue</c>, the <c>worker</c>) make the role unready.
/// </summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis, RedisEviction eviction) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(StorageHealth.ProbeTimeout, cancellationToken);
            return eviction.Reason is { } reason ? HealthCheckResult.Degraded($"unsafe: {reason}") : HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "down: Redis is unreachable");
        }
    }
}
