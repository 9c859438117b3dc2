using CallbackPipeline.Core.Telemetry;

namespace CallbackPipeline.Api;

/// <summary>
/// The API's log lines, with stable event ids. None carries a secret, a token or a payload, and what a caller chose
/// goes in as <see cref="CallerText"/>.
/// </summary>
internal static partial class ApiLog
{
    [LoggerMessage(1001, LogLevel.Information, "Callback rejected for provider {ProviderId}: {Reason}")]
    public static partial void CallbackRejected(this ILogger logger, CallerText providerId, string reason);

    [LoggerMessage(1002, LogLevel.Warning, "Queue unavailable, answered 503: {Reason}")]
    public static partial void QueueUnavailable(this ILogger logger, string reason);

    [LoggerMessage(1003, LogLevel.Warning, "Redis clean-up of deleted provider {ProviderId} deferred to the flusher")]
    public static partial void CleanupDeferred(this ILogger logger, string providerId, Exception exception);

    [LoggerMessage(1004, LogLevel.Information, "Applied {Count} database migrations")]
    public static partial void Migrated(this ILogger logger, int count);

    [LoggerMessage(1005, LogLevel.Warning, "Provider lookup failed: PostgreSQL unreachable and provider {ProviderId} not cached")]
    public static partial void ProviderLookupFailed(this ILogger logger, CallerText providerId, Exception exception);

    [LoggerMessage(1006, LogLevel.Information, "Created Service Bus queue {QueueName}")]
    public static partial void QueueCreated(this ILogger logger, string queueName);
}
