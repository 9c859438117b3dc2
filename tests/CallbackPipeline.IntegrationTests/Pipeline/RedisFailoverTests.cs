using System.Net;
using System.Text.Json.Nodes;
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
    private const int Messages = 300;

    [Fact]
    public async Task ACoordinatedFailoverUnderLoad_LosesAndDoublesNothing()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var now = DateTimeOffset.UtcNow;
        var day = now.ToString("yyyy-MM-dd");

        var posting = Task.Run(async () =>
        {
            for (var i = 0; i < Messages; i++)
            {
                // Each callback twice, as a provider retries: the second must count nothing.
                await PostUntilAcceptedAsync(account, provider, i, now);
                await PostUntilAcceptedAsync(account, provider, i, now);
            }
        });
        await Polling.UntilAsync(() => account.StatsAsync(id, day, day), s => s.Total("delivered") >= Messages / 3);
        await app.Redis.ExecuteAsync("FAILOVER", "TIMEOUT", 5000);
        await posting;

        Assert.Equal("master", await app.Replica.ReplicationAsync("role"));
        Assert.Equal("slave", await app.Redis.ReplicationAsync("role"));
        // Every callback was answered 200, so once the queue is empty everything is counted that ever will be.
        var queue = app.Services.GetRequiredService<IEventQueue>();
        Assert.Equal(0, await Polling.UntilAsync(() => queue.DepthAsync(CancellationToken.None), depth => depth == 0));
        var stats = await Polling.UntilAsync(() => account.StatsAsync(id, day, day), s => s.Total("delivered") >= Messages);
        Assert.Equal(Messages, stats.Total("delivered"));
        var rows = await Polling.UntilAsync(() => PipelineSteps.RowsAsync(app.Services.GetConnectionString(), id), r => r.Sum().Delivered >= Messages);
        Assert.Equal(Messages, rows.Sum().Delivered);
    }

    private static async Task PostUntilAcceptedAsync(TestAccount account, JsonObject provider, int message, DateTimeOffset at)
    {
        var body = $$"""[{"event":"delivered","data":[{"ts":{{at.ToUnixTimeSeconds()}},"meta":"m{{message}}"}]}]""";
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var response = await account.PostCallbackAsync(provider, body);
            var status = response.StatusCode;
            if (status == HttpStatusCode.OK) return;
            Assert.True(status == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < until, $"m{message}: {(int)status} {await response.Content.ReadAsStringAsync()}");
            await Task.Delay(50);
        }
    }
}
