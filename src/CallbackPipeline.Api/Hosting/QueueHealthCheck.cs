using CallbackPipeline.Storage.Queue;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Hosting;

/// <summary>A receiver is unready while its queue is unreachable or over its depth limit: it would answer 503 anyway.</summary>
public sealed class QueueHealthCheck(QueueDepth depth, IOptions<QueueOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            !depth.Reachable ? HealthCheckResult.Unhealthy("down: queue unreachable")
            : depth.Current >= options.Value.MaxDepth ? HealthCheckResult.Unhealthy($"full: {depth.Current} messages, limit {options.Value.MaxDepth}")
            : HealthCheckResult.Healthy());
}
