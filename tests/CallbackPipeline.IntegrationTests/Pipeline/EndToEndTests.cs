using System.Globalization;
using System.Net;
using CallbackPipeline.Core.Events;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Pipeline;

public sealed class EndToEndTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    private static readonly string Today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task DeletingAProvider_DropsItsRedisData_AndItsQueuedEventsCountNothing()
    {
        var account = await app.CreateAccountAsync();
        var id = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        await account.PostEventsAsync(new { providerId = id, messageId = "d1", type = "sent" });
        await account.StatsUntilAsync(id, Today, Today, s => s.Total("sent") >= 1);
        using var admin = account.Admin();

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/providers/{id}")).StatusCode);
        var keys = app.Services.GetRequiredService<RedisKeys>().Provider(id);
        var redis = app.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        Assert.True(await redis.KeyExistsAsync(keys.Gone));
        Assert.False(await redis.KeyExistsAsync(keys.Dirty));
        Assert.False(await redis.KeyExistsAsync(keys.Batch));
        Assert.False(await redis.KeyExistsAsync(keys.Day(DateOnly.FromDateTime(DateTime.UtcNow))));
        Assert.Empty(await PipelineSteps.RowsAsync(app.Services.GetConnectionString(), id));

        // An event that was still queued when the provider went is applied as nothing.
        var queue = app.Services.GetRequiredService<IEventQueue>();
        var now = DateTimeOffset.UtcNow;
        await queue.EnqueueAsync([new CallbackEvent(id, EventKind.Sent, "d2", null, now.ToUnixTimeSeconds(), DateOnly.FromDateTime(now.UtcDateTime))], null, CancellationToken.None);
        await Polling.UntilAsync(() => queue.DepthAsync(CancellationToken.None), depth => depth == 0);
        Assert.False(await redis.KeyExistsAsync(keys.Day(DateOnly.FromDateTime(now.UtcDateTime))));
        Assert.Empty(await PipelineSteps.RowsAsync(app.Services.GetConnectionString(), id));
    }
}
