using Microsoft.AspNetCore.Http.HttpResults;

namespace CallbackPipeline.Api;

/// <summary>A problem answer that asks the caller to retry: <c>Retry-After</c> is set when it is written, not before.</summary>
public sealed class RetryLater(ProblemHttpResult problem, int retryAfterSeconds) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => problem.StatusCode;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return problem.ExecuteAsync(httpContext);
    }
}
