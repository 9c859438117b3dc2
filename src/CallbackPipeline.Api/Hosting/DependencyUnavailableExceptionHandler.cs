using Azure.Messaging.ServiceBus;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace CallbackPipeline.Api.Hosting;

/// <summary>
/// PostgreSQL, Redis or Service Bus unreachable (stopped, restarting, a network cut) is a passing condition, not a
/// server bug: whatever route needed it answers 503 with <c>Retry-After</c>, so clients retry instead of giving up on
/// a 500. Callbacks do not get here (they catch queue failures themselves and answer from the provider cache);
/// management, stats and repair routes do.
/// </summary>
public sealed class DependencyUnavailableExceptionHandler(IOptions<CallbacksOptions> options) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var what = exception switch
        {
            NpgsqlException { IsTransient: true } => "The database",
            RedisConnectionException or RedisTimeoutException => "Redis",
            ServiceBusException { IsTransient: true } or ServiceBusException { Reason: ServiceBusFailureReason.ServiceCommunicationProblem } => "Service Bus",
            _ => null,
        };
        if (what is null) return false;
        await Problems.Unavailable(httpContext, options.Value.RetryAfterSeconds, $"{what} cannot be reached right now; retry shortly.")
            .ExecuteAsync(httpContext);
        return true;
    }
}
