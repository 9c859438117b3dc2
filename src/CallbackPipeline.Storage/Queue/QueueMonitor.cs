using System.Diagnostics.Metrics;
using CallbackPipeline.Core.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Storage.Queue;

/// <summary>
/// Re-reads the queue every <see cref="QueueOptions.DepthRefresh"/>: the depth for the receivers' back-pressure, and
/// the gauges <c>callbackpipeline.queue.depth</c>, <c>.oldest_age</c>, <c>.max_depth</c>, <c>.reachable</c> and
/// <c>callbackpipeline.dead_letters</c>. Runs in every role.
/// </summary>
public sealed class QueueMonitor : BackgroundService
{
    private readonly IEventQueue queue;
    private readonly QueueDepth depth;
    private readonly IOptions<QueueOptions> options;
    private readonly TimeProvider clock;

    public QueueMonitor(IEventQueue queue, QueueDepth depth, IOptions<QueueOptions> options, TimeProvider clock, IMeterFactory meters)
    {
        (this.queue, this.depth, this.options, this.clock) = (queue, depth, options, clock);
        var meter = meters.Create(PipelineMetrics.MeterName);
        meter.CreateObservableGauge("callbackpipeline.queue.depth", () => depth.Current, "{message}", "Queue messages waiting or in flight");
        meter.CreateObservableGauge("callbackpipeline.queue.oldest_age", () => depth.OldestAge.TotalSeconds, "s", "Age of the oldest queue message not yet applied");
        meter.CreateObservableGauge("callbackpipeline.dead_letters", () => depth.DeadLetters, "{message}", "Messages in the dead-letter stream");
        meter.CreateObservableGauge("callbackpipeline.queue.max_depth", () => options.Value.MaxDepth, "{message}", "Queue:MaxDepth, the depth above which receivers answer 503");
        meter.CreateObservableGauge("callbackpipeline.queue.reachable", () => depth.Reachable ? 1 : 0, "1", "1 when the last read of the queue worked, 0 when the queue could not be reached");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                depth.Report(await queue.StatsAsync(stoppingToken));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Whatever went wrong, the receivers must not trust a stale depth, and the monitor must not stop the host.
                depth.ReportUnreachable();
            }
            try
            {
                await Task.Delay(options.Value.DepthRefresh, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
