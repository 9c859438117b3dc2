using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CallbackPipeline.Api.Hosting;

/// <summary>
/// PostgreSQL unreachable (stopped, restarting, a network cut) is a passing condition, not a server bug: whatever route
/// needed it answers 503 with <c>Retry-After</c>, so clients retry instead of giving up on a 500. Callbacks do not get
/// here (they are answered from the provider cache and the queue); management and stats routes do.
/// </summary>
public sealed class DatabaseUnavailableExceptionHandler(IProblemDetailsService problems, IOptions<CallbacksOptions> options) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not NpgsqlException { IsTransient: true }) return false;
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service Unavailable",
                Detail = "The database cannot be reached right now; retry shortly.",
                Type = "https://www.rfc-editor.org/rfc/rfc9110#status.503",
            },
        });
    }
}
