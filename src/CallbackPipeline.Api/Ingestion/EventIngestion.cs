using System.Diagnostics;
using CallbackPipeline.Api.Hosting;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Telemetry;
using CallbackPipeline.Storage.Queue;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Ingestion;

/// <summary>
/// The one way events enter the pipeline, for callbacks, sent events and test SMS alike: queue the events of one
/// request whole (an <c>enqueue</c> span, carried into the queue message) or answer 503 with <c>Retry-After</c>; then
/// wake the worker and count them.
/// </summary>
public sealed class EventIngestion(IEventQueue queue, QueueSignal signal, PipelineMetrics metrics, IOptions<CallbacksOptions> options, ILogger<EventIngestion> logger)
{
    /// <summary>
    /// Queues the events, the <paramref name="source"/> (a provider kind, or <c>events_api</c>) tagging them in
    /// <c>events.queued</c>; null when they are queued, else the 503 to answer (nothing was queued).
    /// </summary>
    public async Task<RetryLater?> QueueAsync(IReadOnlyList<CallbackEvent> events, string source, CancellationToken cancellationToken)
    {
        if (events.Count == 0) return null;
        try
        {
            using (var enqueue = PipelineMetrics.ActivitySource.StartActivity("enqueue", ActivityKind.Producer))
            {
                enqueue?.SetTag("messaging.batch.message_count", events.Count);
                await queue.EnqueueAsync(events, Activity.Current?.Id, cancellationToken);
            }
        }
        catch (QueueUnavailableException e)
        {
            logger.QueueUnavailable(e.Message);
            return Problems.Unavailable(options.Value.RetryAfter, e.Message);
        }
        signal.Notify();
        metrics.EventsQueued.Add(events.Count, new KeyValuePair<string, object?>(PipelineMetrics.KindTag, source));
        return null;
    }
}
