using CallbackPipeline.Core.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallbackPipeline.Storage.Health;

/// <summary>The stores' readiness checks: Redis down is unready (503), PostgreSQL down is degraded (200).</summary>
public static class StorageHealth
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public static IServiceCollection AddStorageHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<RedisHealthCheck>("redis", tags: [HealthTags.Ready])
            .AddCheck<PostgresHealthCheck>("postgres", failureStatus: HealthStatus.Degraded, tags: [HealthTags.Ready]);
        return services;
    }
}
