using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallbackPipeline.Worker;

/// <summary>
/// Reports the worker loops' own view: a queue it cannot read is unhealthy; a flush that keeps failing, or counting
/// paused while Redis may evict keys, is degraded (the pause is the consumer's own, and on Service Bus the receiver of
/// the same process can still queue safely).
/// </summary>
public sealed class WorkerHealthCheck(WorkerState state, RedisEviction eviction) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            !state.QueueHealthy ? HealthCheckResult.Unhealthy("cannot read the queue")
            : eviction.Reason is { } reason ? HealthCheckResult.Degraded($"paused: {reason}")
            : !state.FlushHealthy ? HealthCheckResult.Degraded("flush to PostgreSQL failing; counting goes on")
            : HealthCheckResult.Healthy());
}
