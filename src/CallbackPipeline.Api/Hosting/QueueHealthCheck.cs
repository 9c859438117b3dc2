using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Hosting;

/// <summary>
/// A receiver is unready while its queue is unreachable or over its depth limit, or (Redis Streams) while Redis may
/// evict keys: it would answer 503 anyway.
/// </summary>
public sealed class QueueHealthCheck(QueueDepth depth, RedisEviction eviction, IOptions<QueueOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(
            !depth.Reachable ? HealthCheckResult.Unhealthy("down: queue unreachable")
            : depth.Current >= options.Value.MaxDepth ? HealthCheckResult.Unhealthy($"full: {depth.Current} messages, limit {options.Value.MaxDepth}")
            : options.Value.Transport == QueueTransports.Redis && eviction.Reason is { } reason ? HealthCheckResult.Unhealthy($"unsafe: {reason}")
            : HealthCheckResult.Healthy());
}
