using Microsoft.Extensions.Logging;

namespace CallbackPipeline.Worker;

/// <summary>The worker's log lines, with stable event ids.</summary>
internal static partial class WorkerLog
{
    [LoggerMessage(2001, LogLevel.Warning, "Applying a queue batch of {Messages} messages failed; they stay pending and are retried")]
    public static partial void BatchFailed(this ILogger logger, int messages, Exception exception);

    [LoggerMessage(2002, LogLevel.Error, "Queue message {MessageId} dead-lettered: {Reason}")]
    public static partial void DeadLettered(this ILogger logger, string messageId, string reason);

    [LoggerMessage(2003, LogLevel.Warning, "Flushing counters failed; retrying in {Delay}")]
    public static partial void FlushFailed(this ILogger logger, TimeSpan delay, Exception exception);

    [LoggerMessage(2004, LogLevel.Information, "Flushing recovered after {Failures} failed attempts")]
    public static partial void FlushRecovered(this ILogger logger, int failures);

    [LoggerMessage(2005, LogLevel.Warning, "Reading the queue failed; retrying")]
    public static partial void ReceiveFailed(this ILogger logger, Exception exception);
}
