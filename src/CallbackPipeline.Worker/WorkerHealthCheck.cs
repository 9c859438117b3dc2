using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallbackPipeline.Worker;

/// <summary>
/// Reports the worker loops' own view: a queue it cannot read, or counting paused while Redis may evict keys, is
/// unhealthy; a flush that keeps failing is degraded.
/// </summary>
public sealed class WorkerHealthCheck(WorkerState state, RedisEviction eviction) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            !state.QueueHealthy ? HealthCheckResult.Unhealthy("cannot read the queue")
            : eviction.Reason is { } reason ? HealthCheckResult.Unhealthy($"paused: {reason}")
            : !state.FlushHealthy ? HealthCheckResult.Degraded("flush to PostgreSQL failing; counting goes on")
            : HealthCheckResult.Healthy());
}
