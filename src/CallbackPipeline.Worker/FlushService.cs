using System.Diagnostics;
using System.Runtime.ExceptionServices;
using CallbackPipeline.Core.Telemetry;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Providers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Worker;

/// <summary>
/// Every <see cref="FlushOptions.Interval"/>, flushes to PostgreSQL the counter deltas of the providers the flush index
/// lists (those that counted something since their last flush) and finishes the Redis clean-up of deleted providers.
/// While PostgreSQL is down it backs off; counting goes on in Redis meanwhile.
/// </summary>
public sealed class FlushService(
    ProviderStore providers,
    FlushStore flushes,
    FlushIndex index,
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

    /// <summary>
    /// One flush pass: finishes pending clean-ups of deleted providers, then flushes the providers the flush index lists,
    /// a claim at a time (FlushIndex). Called by the loop and by tests.
    /// </summary>
    public async Task FlushAllAsync(CancellationToken cancellationToken)
    {
        foreach (var id in await providers.PendingCleanupsAsync(cancellationToken))
        {
            await cleaner.ForgetAsync(id, cancellationToken);
            await providers.MarkCleanedAsync(id, cancellationToken);
        }

        var settings = options.Value;
        await index.BuildOnceAsync(() => providers.ListAllIdsAsync(cancellationToken));
        long taken = 0;
        long? limit = null;
        while (await index.ClaimAsync(settings.ClaimSize, settings.Lease) is { ProviderIds.Count: > 0 } claim)
        {
            // A pass takes as many providers as were listed when it began; those listed later wait for the next one.
            limit ??= claim.Listed + claim.ProviderIds.Count;
            Exception? failure = null;
            await Parallel.ForEachAsync(
                claim.ProviderIds, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency }, async (id, _) =>
                {
                    try
                    {
                        await FlushOneAsync(id, cancellationToken);
                    }
                    catch (Exception e)
                    {
                        Interlocked.CompareExchange(ref failure, e, null);
                    }
                    finally
                    {
                        await index.ReleaseAsync(claim, id);
                    }
                });
            if (failure is not null) ExceptionDispatchInfo.Throw(failure);
            taken += claim.ProviderIds.Count;
            if (taken >= limit) break;
        }
        state.ReportFlushPending((await index.SizeAsync()).Listed);

        // Last, and only after every claimed provider flushed: a batch left between commit and drop is dropped
        // before its id can be forgotten, however long the workers were away.
        if (clock.GetUtcNow() - lastPrune > TimeSpan.FromHours(1))
        {
            await flushes.PruneAsync(clock.GetUtcNow() - BatchIdRetention, cancellationToken);
            lastPrune = clock.GetUtcNow();
        }
    }

    private async Task FlushOneAsync(string id, CancellationToken cancellationToken)
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
}
