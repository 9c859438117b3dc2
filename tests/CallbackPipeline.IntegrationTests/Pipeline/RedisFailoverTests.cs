using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Queue;
using Microsoft.Extensions.DependencyInjection;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>
/// A coordinated failover (Redis's FAILOVER, as managed services run for planned maintenance) pauses writes until the
/// replica has every one of them, then swaps the roles: under load, every callback is counted once and flushed once.
/// </summary>
public sealed class RedisFailoverTests(ReplicatedRedisApp app) : IClassFixture<ReplicatedRedisApp>
{
    // Messages posted before the failover is started, and after the roles have swapped.
    private const int Before = 100;
    private const int After = 100;

    [Fact]
    public async Task ACoordinatedFailoverUnderLoad_LosesAndDoublesNothing()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var now = DateTimeOffset.UtcNow;
        var day = now.ToString("yyyy-MM-dd");
        var swapped = 0;
        var posted = 0;

        var posting = Task.Run(async () =>
        {
            for (var i = 0; Volatile.Read(ref swapped) == 0 || posted < Volatile.Read(ref swapped) + After; i++)
            {
                // Each callback twice, as a provider retries: the second must count nothing.
                await account.PostCallbackUntilAcceptedAsync(provider, GenericCallback.Delivered($"m{i}", now));
                await account.PostCallbackUntilAcceptedAsync(provider, GenericCallback.Delivered($"m{i}", now));
                posted = i + 1;
            }
        });
        await Polling.UntilAsync(() => account.StatsAsync(id, day, day), s => s.Total("delivered") >= Before);
        // FAILOVER answers at once and swaps the roles in the background.
        await app.Redis.ExecuteAsync("FAILOVER", "TIMEOUT", 5000);
        var role = await Polling.UntilAsync(() => app.Replica.ReplicationAsync("role"), r => r == "master");
        Volatile.Write(ref swapped, Math.Max(1, posted));
        await posting;

        Assert.Equal("master", role);
        Assert.Equal("slave", await app.Redis.ReplicationAsync("role"));
        // Every callback was answered 200, so once the queue is empty everything is counted that ever will be.
        var queue = app.Services.GetRequiredService<IEventQueue>();
        Assert.Equal(0, await Polling.UntilAsync(() => queue.DepthAsync(CancellationToken.None), depth => depth == 0));
        var stats = await Polling.UntilAsync(() => account.StatsAsync(id, day, day), s => s.Total("delivered") >= posted);
        Assert.Equal(posted, stats.Total("delivered"));
        var rows = await Polling.UntilAsync(() => PipelineSteps.RowsAsync(app.Services.GetConnectionString(), id), r => r.Sum().Delivered >= posted);
        Assert.Equal(posted, rows.Sum().Delivered);
    }
}
