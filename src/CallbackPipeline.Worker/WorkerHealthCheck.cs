using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallbackPipeline.Worker;

/// <summary>Reports the worker loops' own view: a queue it cannot read is unhealthy, a flush that keeps failing is degraded.</summary>
public sealed class WorkerHealthCheck(WorkerState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            !state.QueueHealthy ? HealthCheckResult.Unhealthy("cannot read the queue")
            : !state.FlushHealthy ? HealthCheckResult.Degraded("flush to PostgreSQL failing; counting goes on")
            : HealthCheckResult.Healthy());
}
