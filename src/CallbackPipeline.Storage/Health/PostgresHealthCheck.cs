using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace CallbackPipeline.Storage.Health;

/// <summary>PostgreSQL answers a query within the probe timeout. Registered degraded-on-failure: receiving and counting go on without it.</summary>
public sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StorageHealth.ProbeTimeout);
            await using var command = dataSource.CreateCommand("select 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "down: PostgreSQL is unreachable");
        }
    }
}
