using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace CallbackPipeline.Core.Telemetry;

/// <summary>The pipeline's instruments, all on the meter <c>CallbackPipeline</c>.</summary>
public sealed class PipelineMetrics
{
    public const string MeterName = "CallbackPipeline";
    public const string ActivitySourceName = "CallbackPipeline";

    /// <summary>The tag naming what sent a callback or event: a provider kind (<c>unknown</c> before the provider is found), or <c>events_api</c>.</summary>
    public const string KindTag = "provider.kind";

    /// <summary>The tag naming why a callback was refused.</summary>
    public const string ReasonTag = "reason";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    /// <summary>
    /// Bucket bounds for durations of a fraction of a millisecond to seconds: 0.1 ms doubling to 6.6 s. Each bucket is
    /// twice the one below, so a quantile interpolated from the buckets is within a factor of 2 of the true one.
    /// </summary>
    private static readonly InstrumentAdvice<double> Milliseconds = new() { HistogramBucketBoundaries = Doubling(0.0001, 17) };

    /// <summary>Bucket bounds for ages of 10 ms to 20 minutes, doubling as <see cref="Milliseconds"/> do.</summary>
    private static readonly InstrumentAdvice<double> SecondsToMinutes = new() { HistogramBucketBoundaries = Doubling(0.01, 18) };

    public PipelineMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        CallbacksAccepted = meter.CreateCounter<long>("callbackpipeline.callbacks.accepted", "{request}", "Callback requests answered 2xx");
        CallbacksRejected = meter.CreateCounter<long>("callbackpipeline.callbacks.rejected", "{request}", "Callback requests refused, by reason");
        EventsQueued = meter.CreateCounter<long>("callbackpipeline.events.queued", "{event}", "Events durably queued");
        EventsIgnored = meter.CreateCounter<long>("callbackpipeline.events.ignored", "{event}", "Records accepted that count nothing (unknown statuses or event names)");
        UnknownStatuses = meter.CreateCounter<long>("callbackpipeline.statuses.unknown", "{record}", "Records with a status the provider format does not know: accepted, counted as nothing");
        EventsApplied = meter.CreateCounter<long>("callbackpipeline.events.applied", "{event}", "Events that incremented a counter");
        EventsDeduplicated = meter.CreateCounter<long>("callbackpipeline.events.deduplicated", "{event}", "Events already counted");
        EventsTooLate = meter.CreateCounter<long>("callbackpipeline.events.too_late", "{event}", "Events older than the dedup window, counted as nothing");
        EventsDropped = meter.CreateCounter<long>("callbackpipeline.events.dropped", "{event}", "Events of deleted providers");
        DeadLettered = meter.CreateCounter<long>("callbackpipeline.queue.dead_lettered", "{message}", "Queue messages moved to the dead-letter stream");
        FlushBatches = meter.CreateCounter<long>("callbackpipeline.flush.batches", "{batch}", "Flush batches written to PostgreSQL");
        FlushFailures = meter.CreateCounter<long>("callbackpipeline.flush.failures", "{pass}", "Flush passes that failed (PostgreSQL or Redis unreachable); each is retried with backoff");
        FlushDuration = meter.CreateHistogram("callbackpipeline.flush.duration", "s", "Time to flush one provider's batch", advice: Milliseconds);
        FlushBatchDays = meter.CreateHistogram<long>("callbackpipeline.flush.batch_size", "{day}", "Provider-days written by one flush batch",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128] });
        FlushLag = meter.CreateHistogram("callbackpipeline.flush.lag", "s", "Age of a batch's oldest delta when it reached PostgreSQL", advice: SecondsToMinutes);
        StatsDuration = meter.CreateHistogram("callbackpipeline.stats.duration", "s", "Time to read stats", advice: Milliseconds);
    }

    public Counter<long> CallbacksAccepted { get; }
    public Counter<long> CallbacksRejected { get; }
    public Counter<long> EventsQueued { get; }
    public Counter<long> EventsIgnored { get; }
    public Counter<long> UnknownStatuses { get; }
    public Counter<long> EventsApplied { get; }
    public Counter<long> EventsDeduplicated { get; }
    public Counter<long> EventsTooLate { get; }
    public Counter<long> EventsDropped { get; }
    public Counter<long> DeadLettered { get; }
    public Counter<long> FlushBatches { get; }
    public Counter<long> FlushFailures { get; }
    public Histogram<double> FlushDuration { get; }
    public Histogram<long> FlushBatchDays { get; }
    public Histogram<double> FlushLag { get; }
    public Histogram<double> StatsDuration { get; }

    private static double[] Doubling(double first, int count) => [.. Enumerable.Range(0, count).Select(i => Math.Round(first * Math.Pow(2, i), 7))];
}
