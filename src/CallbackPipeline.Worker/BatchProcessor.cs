using System.Diagnostics;
using CallbackPipeline.Core.Telemetry;
using CallbackPipeline.Storage;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Queue;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Worker;

/// <summary>
/// Applies one batch of queue messages: unreadable or endlessly failing messages are dead-lettered, the rest are
/// counted and only then completed. A crash anywhere before completion leaves the messages pending, and applying
/// them again after takeover is a no-op for what was already counted. A message delivered more than
/// <see cref="QueueOptions.MaxDeliveries"/> times is still tried, and dead-lettered only when applying it fails for
/// another reason than an outage: an outage (Redis down or restarting, its slot moving) adds deliveries to every
/// message it holds up, and dead-lettering those would take 2xx'ed callbacks out of the counts.
/// Only past <see cref="QueueOptions.CrashDeliveries"/> times that many is a message dead-lettered untried: one whose every try
/// stops the worker that makes it, which no failure is ever caught for.
/// </summary>
public sealed class BatchProcessor(
    IEventQueue queue,
    CounterStore counters,
    PipelineMetrics metrics,
    IOptions<QueueOptions> options,
    ILogger<BatchProcessor> logger)
{
    public async Task<CountResult> ProcessAsync(IReadOnlyList<QueueDelivery> deliveries, CancellationToken cancellationToken)
    {
        var good = new List<QueueDelivery>(deliveries.Count);
        foreach (var delivery in deliveries)
        {
            if (DeadLetterReason(delivery) is { } reason) await DeadLetterAsync(delivery, reason, cancellationToken);
            else good.Add(delivery);
        }

        // The apply span continues the trace of the first message's request and links the others', so one trace
        // runs from a callback through its enqueue to the counting of its events.
        var contexts = good.Select(d => ActivityContext.TryParse(d.TraceParent, null, out var c) ? c : default).Where(c => c != default).ToList();
        using var activity = PipelineMetrics.ActivitySource.StartActivity(
            "apply events", ActivityKind.Consumer, contexts.FirstOrDefault(), links: contexts.Skip(1).Select(c => new ActivityLink(c)));
        activity?.SetTag("messaging.batch.message_count", good.Count);
        var byKind = new KindTally();
        var settled = new HashSet<string>(StringComparer.Ordinal);
        // When applying fails the messages are not given back: the consumer tries them again while they are its own,
        // after that they come again once their lock (Service Bus) or claim time (Redis Streams) runs out, and what was
        // counted before the failure counts nothing twice. Abandoning them would make Service Bus deliver them again at
        // once and add to their delivery count, so a Redis outage of a few seconds would dead-letter messages whose
        // callbacks were answered 2xx.
        CountResult result;
        try
        {
            result = await counters.ApplyAsync(good.SelectMany(d => d.Events!), activity?.Id, byKind, settled, cancellationToken);
        }
        catch (Exception e)
        {
            // The messages whose providers all counted are done: completed now, so a provider whose script fails holds
            // up only its own messages, not those that share its batch.
            var done = good.Where(d => d.Events!.All(ev => settled.Contains(ev.ProviderId))).ToList();
            if (done.Count > 0) await queue.CompleteAsync(done, cancellationToken);
            Record(byKind);
            if (!StorageUnavailableException.IsOutage(e))
            {
                // Not an outage: the rest that were delivered too often have failed often enough.
                foreach (var delivery in good.Except(done).Where(d => d.DeliveryCount > options.Value.MaxDeliveries))
                {
                    await DeadLetterAsync(delivery, $"delivered {delivery.DeliveryCount} times without being applied", cancellationToken);
                }
            }
            throw;
        }
        await queue.CompleteAsync(good, cancellationToken);
        Record(byKind);
        metrics.EventsDropped.Add(result.Dropped);
        return result;
    }

    private void Record(KindTally byKind)
    {
        foreach (var (kind, applied, duplicates, tooLate) in byKind.Rows)
        {
            var tag = new KeyValuePair<string, object?>("event.kind", kind.ToString().ToLowerInvariant());
            metrics.EventsApplied.Add(applied, tag);
            metrics.EventsDeduplicated.Add(duplicates, tag);
            metrics.EventsTooLate.Add(tooLate, tag);
        }
    }

    /// <summary>
    /// The deliveries of a batch that <see cref="ProcessAsync"/> applies rather than dead-letters: what is left to try
    /// again when applying them failed (a dead-lettered message is settled already, and must not be dead-lettered twice).
    /// </summary>
    public IReadOnlyList<QueueDelivery> Applicable(IReadOnlyList<QueueDelivery> deliveries) =>
        deliveries.Where(d => DeadLetterReason(d) is null).ToList();

    /// <summary>Why a message is dead-lettered without being tried, or null.</summary>
    private string? DeadLetterReason(QueueDelivery delivery) =>
        delivery.Events is null ? "payload is not a readable queue message"
        : delivery.DeliveryCount > options.Value.MaxDeliveries * QueueOptions.CrashDeliveries ? $"delivered {delivery.DeliveryCount} times, and no try ended"
        : null;

    private async Task DeadLetterAsync(QueueDelivery delivery, string reason, CancellationToken cancellationToken)
    {
        await queue.DeadLetterAsync(delivery, reason, cancellationToken);
        metrics.DeadLettered.Add(1);
        logger.DeadLettered(delivery.Id, reason);
    }
}
