using CallbackPipeline.Core.Events;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Redis;
using CallbackPipeline.Worker;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Pipeline;

public sealed class DeadLetterTests(HarnessFixture fixture) : IClassFixture<HarnessFixture>
{
    private async Task<StorageHarness> WorkerAsync(string prefix) =>
        await StorageHarness.CreateAsync(fixture.Database.ConnectionString, prefix, new Dictionary<string, string?> { ["Queue:MaxDeliveries"] = "2" });

    [Fact]
    public async Task AnUnreadableMessage_IsDeadLetteredWithItsReason_AndTheRestAreApplied()
    {
        await using var worker = await WorkerAsync($"d{Guid.NewGuid():N}");
        var id = await worker.CreateProviderAsync();
        var keys = worker.Get<RedisKeys>();
        var redis = worker.Get<IConnectionMultiplexer>().GetDatabase();
        var queue = worker.Get<IEventQueue>();
        await queue.EnqueueAsync([worker.Event(id, EventKind.Sent, "good")], null, CancellationToken.None);
        await redis.StreamAddAsync(keys.Stream, "d", "{\"V\":1,\"E\":[{\"P\":null}]}");

        var batch = await queue.ReceiveAsync(10, CancellationToken.None);
        var result = await worker.Get<BatchProcessor>().ProcessAsync(batch, CancellationToken.None);

        Assert.Equal(1, result.Applied);
        Assert.Equal(0, await queue.DepthAsync(CancellationToken.None));
        var dead = Assert.Single(await redis.StreamRangeAsync(keys.DeadLetters));
        Assert.Contains("not a readable", (string?)dead["reason"]);
        Assert.Equal(batch[1].Id, (string?)dead["id"]);
    }

    [Fact]
    public async Task AMessageThatKeepsFailing_IsDeadLetteredAfterMaxDeliveries()
    {
        var prefix = $"d{Guid.NewGuid():N}";
        await using var first = await WorkerAsync(prefix);
        await using var second = await WorkerAsync(prefix);
        await using var third = await WorkerAsync(prefix);
        var id = await first.CreateProviderAsync();
        await first.Get<IEventQueue>().EnqueueAsync([first.Event(id, EventKind.Sent, "cursed")], null, CancellationToken.None);

        // Two workers take it and die before finishing; the third sees it a third time.
        Assert.Single(await first.Get<IEventQueue>().ReceiveAsync(10, CancellationToken.None));
        Assert.Single(await second.Get<IEventQueue>().ReceiveAsync(10, CancellationToken.None));
        var thirdTake = await third.Get<IEventQueue>().ReceiveAsync(10, CancellationToken.None);
        var result = await third.Get<BatchProcessor>().ProcessAsync(thirdTake, CancellationToken.None);

        Assert.Equal(3, Assert.Single(thirdTake).DeliveryCount);
        Assert.Equal(0, result.Applied);
        var redis = third.Get<IConnectionMultiplexer>().GetDatabase();
        Assert.Contains("delivered 3 times", (string?)Assert.Single(await redis.StreamRangeAsync(third.Get<RedisKeys>().DeadLetters))["reason"]);
        Assert.Equal(0, await third.Get<IEventQueue>().DepthAsync(CancellationToken.None));
    }
}
