using System.Diagnostics;
using CallbackPipeline.Storage;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Worker;

/// <summary>
/// Reads the queue in batches and applies them; sleeps with a short backoff (or until signalled) when it is empty.
/// A batch whose apply failed because a store was unavailable is tried again by this worker, with a growing delay, for
/// as long as its messages are still its own (<see cref="QueueOptions.ClaimIdle"/> since they were received), so a short
/// outage delays the counts by about the outage and not by the claim time. A batch that failed otherwise is left to
/// its claim time and its delivery count, as a message that can never be applied must not hold up the others.
/// Counts nothing before the Redis eviction policy is known, nor while Redis may evict keys (<see cref="RedisEviction"/>):
/// the messages wait in the queue.
/// </summary>
public sealed class QueueConsumer(
    IEventQueue queue,
    BatchProcessor processor,
    QueueSignal signal,
    WorkerState state,
    RedisEviction eviction,
    IOptions<QueueOptions> options,
    ILogger<QueueConsumer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var idleDelay = TimeSpan.FromMilliseconds(1);
        var failureDelay = TimeSpan.FromMilliseconds(200);
        IReadOnlyList<QueueDelivery> failed = [];
        // Elapsed time, as Redis measures a message's idle time: not the app's clock, which tests may hold still.
        var received = 0L;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (eviction.Reason is not null)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                continue;
            }
            IReadOnlyList<QueueDelivery> batch;
            if (failed.Count > 0 && Stopwatch.GetElapsedTime(received) < settings.ClaimIdle)
            {
                batch = failed;
            }
            else
            {
                try
                {
                    batch = await queue.ReceiveAsync(settings.BatchSize, stoppingToken);
                    received = Stopwatch.GetTimestamp();
                    state.ReportQueue(true);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    state.ReportQueue(false);
                    logger.ReceiveFailed(e);
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                    continue;
                }
            }
            failed = [];

            if (batch.Count == 0)
            {
                await signal.WaitAsync(idleDelay, stoppingToken);
                idleDelay = TimeSpan.FromTicks(Math.Min(idleDelay.Ticks * 2, settings.MaxPollDelay.Ticks));
                continue;
            }
            idleDelay = TimeSpan.FromMilliseconds(1);

            try
            {
                // Not cancelled by shutdown: a batch that started is finished and acknowledged, or left pending whole.
                await processor.ProcessAsync(batch, CancellationToken.None);
                failureDelay = TimeSpan.FromMilliseconds(200);
            }
            catch (Exception e)
            {
                // Backs off while failures last (Redis down). The messages stay pending: once their claim time has passed
                // (or their lock has run out, on Service Bus) they may be another worker's, and this one reads anew.
                logger.BatchFailed(batch.Count, e);
                failed = StorageUnavailableException.IsOutage(e) ? processor.Applicable(batch) : [];
                await Task.Delay(failureDelay, stoppingToken);
                failureDelay = TimeSpan.FromTicks(Math.Min(failureDelay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }
}
