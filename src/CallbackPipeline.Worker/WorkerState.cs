using System.Diagnostics.Metrics;
using CallbackPipeline.Core.Telemetry;

namespace CallbackPipeline.Worker;

/// <summary>
/// What the worker's health check and the gauges <c>callbackpipeline.flush.time_since_success</c> and
/// <c>callbackpipeline.flush.pending</c> report: whether the last queue read and the last flush pass worked, how long
/// ago a flush pass last worked (counted from start-up until the first one does, so a PostgreSQL that is down from
/// the start shows too), and how many providers the flush index still listed when the last pass ended.
/// </summary>
public sealed class WorkerState
{
    private readonly TimeProvider clock;
    private volatile bool queueHealthy = true;
    private volatile bool flushHealthy = true;
    private long lastFlushTicks;
    private long flushPending;

    public WorkerState(TimeProvider clock, IMeterFactory meters)
    {
        this.clock = clock;
        lastFlushTicks = clock.GetUtcNow().UtcTicks;
        meters.Create(PipelineMetrics.MeterName).CreateObservableGauge(
            "callbackpipeline.flush.time_since_success", () => TimeSinceFlush.TotalSeconds, "s",
            "Time since this worker's last successful flush pass (since start-up before the first)");
        meters.Create(PipelineMetrics.MeterName).CreateObservableGauge(
            "callbackpipeline.flush.pending", () => Interlocked.Read(ref flushPending), "{provider}",
            "Providers the flush index still listed when this worker's last flush pass ended");
    }

    public bool QueueHealthy => queueHealthy;

    public bool FlushHealthy => flushHealthy;

    public TimeSpan TimeSinceFlush => clock.GetUtcNow() - new DateTimeOffset(Interlocked.Read(ref lastFlushTicks), TimeSpan.Zero);

    public long FlushPending => Interlocked.Read(ref flushPending);

    public void ReportQueue(bool healthy) => queueHealthy = healthy;

    public void ReportFlushPending(long providers) => Interlocked.Exchange(ref flushPending, providers);

    public void ReportFlush(bool healthy)
    {
        flushHealthy = healthy;
        if (healthy) Interlocked.Exchange(ref lastFlushTicks, clock.GetUtcNow().UtcTicks);
    }
}
