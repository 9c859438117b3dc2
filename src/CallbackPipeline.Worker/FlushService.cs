using System.Diagnostics;
using CallbackPipeline.Core.Telemetry;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Providers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Worker;

/// <summary>
/// Every <see cref="FlushOptions.Interval"/>, flushes each provider's counter deltas to PostgreSQL and finishes the
/// Redis clean-up of deleted providers. While PostgreSQL is down it backs off; counting goes on in Redis meanwhile.
/// </summary>
public sealed class FlushService(
    ProviderStore providers,
    FlushStore flushes,
    ProviderDataCleaner cleaner,
    PipelineMetrics metrics,
    WorkerState state,
    TimeProvider clock,
    IOptions<FlushOptions> options,
    ILogger<FlushService> logger) : BackgroundService
{
    private static readonly TimeSpan BatchIdRetention = TimeSpan.FromDays(2);
    private DateTimeOffset lastPrune = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var failures = 0;
        // Served from the start, so a rate() or increase() over them sees the first batch and the first failure.
        metrics.FlushBatches.Add(0);
        metrics.FlushFailures.Add(0);
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = settings.Interval;
            try
            {
                await FlushAllAsync(stoppingToken);
                if (failures > 0) logger.FlushRecovered(failures);
                failures = 0;
                state.ReportFlush(true);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                failures++;
                state.ReportFlush(false);
                metrics.FlushFailures.Add(1);
                delay = TimeSpan.FromTicks(Math.Min(settings.Interval.Ticks << Math.Min(failures, 10), settings.MaxBackoff.Ticks));
                logger.FlushFailed(delay, e);
            }
            await Task.Delay(delay, clock, stoppingToken);
        }
    }

    /// <summary>One flush pass over every provider. Called by the loop and by tests.</summary>
    public async Task FlushAllAsync(CancellationToken cancellationToken)
    {
        foreach (var id in await providers.PendingCleanupsAsync(cancellationToken))
        {
            await cleaner.ForgetAsync(id, cancellationToken);
            await providers.MarkCleanedAsync(id, cancellationToken);
        }

        foreach (var id in await providers.ListAllIdsAsync(cancellationToken))
        {
            var started = Stopwatch.GetTimestamp();
            if (await flushes.FlushAsync(id, cancellationToken) is ({ } batch, FlushCommit.Applied))
            {
                metrics.FlushBatches.Add(1);
                metrics.FlushBatchDays.Record(batch.Days.Count);
                metrics.FlushDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
                if (batch.Since is { } since) metrics.FlushLag.Record((clock.GetUtcNow() - since).TotalSeconds);
            }
        }

        if (clock.GetUtcNow() - lastPrune > TimeSpan.FromHours(1))
        {
            await flushes.PruneAsync(clock.GetUtcNow() - BatchIdRetention, cancellationToken);
            lastPrune = clock.GetUtcNow();
        }
    }
}
