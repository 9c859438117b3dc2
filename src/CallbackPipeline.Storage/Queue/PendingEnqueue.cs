using System.Diagnostics;
using CallbackPipeline.Core.Events;

namespace CallbackPipeline.Storage.Queue;

/// <summary>One request waiting in an <see cref="EnqueueCoalescer"/>.</summary>
public sealed class PendingEnqueue(IReadOnlyList<CallbackEvent> events, string? traceParent)
{
    private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<CallbackEvent> Events { get; } = events;

    public string? TraceParent { get; } = traceParent;

    /// <summary>The span the request waits in (its enqueue), whose trace the send of its group joins.</summary>
    public Activity? Activity { get; } = Activity.Current;

    /// <summary>The trace context a message of these requests carries: the first one's that has any.</summary>
    public static string? FirstTraceParent(IEnumerable<PendingEnqueue> requests) =>
        requests.Select(r => r.TraceParent).FirstOrDefault(t => t is not null);

    public Task Task => done.Task;

    /// <summary>All its events are stored.</summary>
    public void Complete() => done.TrySetResult();

    /// <summary>Its events may not all be stored; the caller answers 503 and the sender retries (duplicates are counted once).</summary>
    public void Fail(Exception reason) => done.TrySetException(reason);
}
