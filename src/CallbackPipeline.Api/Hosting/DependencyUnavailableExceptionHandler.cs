using CallbackPipeline.Storage;
using CallbackPipeline.Storage.Queue;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Hosting;

/// <summary>
/// A dependency that cannot be reached (the stores' <see cref="StorageUnavailableException"/>, the queue's
/// <see cref="QueueUnavailableException"/>) is a passing condition, not a server bug: whatever route needed it answers
/// 503 with <c>Retry-After</c>, so clients retry instead of giving up on a 500. Callbacks do not get here (they answer
/// from the provider cache, or 503 themselves); management, stats and repair routes do.
/// </summary>
public sealed class DependencyUnavailableExceptionHandler(IOptions<CallbacksOptions> options) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (StorageUnavailableException or QueueUnavailableException)) return false;
        await Problems.Unavailable(options.Value.RetryAfter, exception.Message).ExecuteAsync(httpContext);
        return true;
    }
}
