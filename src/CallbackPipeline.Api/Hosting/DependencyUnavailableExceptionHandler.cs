using System.Globalization;
using Azure.Messaging.ServiceBus;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
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
public sealed class DependencyUnavailableExceptionHandler(IProblemDetailsService problems, IOptions<CallbacksOptions> options) : IExceptionHandler
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
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service Unavailable",
                Detail = $"{what} cannot be reached right now; retry shortly.",
                Type = "https://www.rfc-editor.org/rfc/rfc9110#status.503",
            },
        });
    }
}
