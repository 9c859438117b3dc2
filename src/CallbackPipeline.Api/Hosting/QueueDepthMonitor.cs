using CallbackPipeline.Storage.Queue;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Hosting;

/// <summary>Re-reads the queue depth every <see cref="QueueOptions.DepthRefresh"/> for the receivers' back-pressure check.</summary>
public sealed class QueueDepthMonitor(IEventQueue queue, QueueDepth depth, IOptions<QueueOptions> options, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                depth.Report(await queue.DepthAsync(stoppingToken));
            }
            catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
            {
                depth.ReportUnreachable();
            }
            await Task.Delay(options.Value.DepthRefresh, clock, stoppingToken);
        }
    }
}
