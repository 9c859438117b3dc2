using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Health;

/// <summary>Redis answers a PING within the probe timeout. Registered unhealthy-on-failure: without Redis nothing is queued or counted.</summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(StorageHealth.ProbeTimeout, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "down: Redis is unreachable");
        }
    }
}
