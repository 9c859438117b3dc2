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

    /// <summary>Takes the message <paramref name="times"/> times, each time by one of two workers that then stops.</summary>
    private static async Task TakeAndDropAsync(StorageHarness a, StorageHarness b, int times)
    {
        for (var i = 0; i < times; i++) Assert.Single(await (i % 2 == 0 ? a : b).Get<IEventQueue>().ReceiveAsync(10, CancellationToken.None));
    }

    [Fact]
    public async Task AMessageDeliveredMoreThanMaxDeliveries_IsStillCounted_WhenItCanBe()
    {
        var prefix = $"d{Guid.NewGuid():N}";
        await using var first = await WorkerAsync(prefix);
        await using var second = await WorkerAsync(prefix);
        await using var third = await WorkerAsync(prefix);
        var id = await first.CreateProviderAsync();
        await first.Get<IEventQueue>().EnqueueAsync([first.Event(id, EventKind.Sent, "held-up")], null, CancellationToken.None);

        // Two workers take it and stop before finishing (as while counting was down); the third sees it a third time.
        await TakeAndDropAsync(first, second, 2);
        var thirdTake = await third.Get<IEventQueue>().ReceiveAsync(10, CancellationToken.None);
        var result = await third.Get<BatchProcessor>().ProcessAsync(thirdTake, CancellationToken.None);

        Assert.Equal(3, Assert.Single(thirdTake).DeliveryCount);
        Assert.Equal(1, result.Applied);
        Assert.Empty(await third.Get<IConnectionMultiplexer>().GetDatabase().StreamRangeAsync(third.Get<RedisKeys>().DeadLetters));
        Assert.Equal(0, await third.Get<IEventQueue>().DepthAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AMessageThatKeepsFailing_IsDeadLetteredAfterMaxDeliveries()
    {
        var prefix = $"d{Guid.NewGuid():N}";
        await using var first = await WorkerAsync(prefix);
        await using var second = await WorkerAsync(prefix);
        await using var third = await WorkerAsync(prefix);
        var id = await first.CreateProviderAsync();
        var redis = third.Get<IConnectionMultiplexer>().GetDatabase();
        await third.BreakCountingAsync(id);
        await first.Get<IEventQueue>().EnqueueAsync([first.Event(id, EventKind.Sent, "cursed")], null, CancellationToken.None);

        await TakeAndDropAsync(first, second, 2);
        var thirdTake = await third.Get<IEventQueue>().ReceiveAsync(10, CancellationToken.None);
        await Assert.ThrowsAsync<RedisServerException>(() => third.Get<BatchProcessor>().ProcessAsync(thirdTake, CancellationToken.None));

        Assert.Contains("delivered 3 times", (string?)Assert.Single(await redis.StreamRangeAsync(third.Get<RedisKeys>().DeadLetters))["reason"]);
        Assert.Equal(0, await third.Get<IEventQueue>().DepthAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AProviderWhoseScriptFails_HoldsUpOnlyItsOwnMessages_NotTheOthersOfItsBatch()
    {
        await using var worker = await WorkerAsync($"d{Guid.NewGuid():N}");
        var broken = await worker.CreateProviderAsync();
        var healthy = await worker.CreateProviderAsync();
        await worker.BreakCountingAsync(broken);
        var queue = worker.Get<IEventQueue>();
        await queue.EnqueueAsync([worker.Event(broken, EventKind.Sent, "cannot-count")], null, CancellationToken.None);
        await queue.EnqueueAsync([worker.Event(healthy, EventKind.Sent, "can-count")], null, CancellationToken.None);
        var batch = await queue.ReceiveAsync(10, CancellationToken.None);
        Assert.Equal(2, batch.Count);

        await Assert.ThrowsAsync<RedisServerException>(() => worker.Get<BatchProcessor>().ProcessAsync(batch, CancellationToken.None));

        var redis = worker.Get<IConnectionMultiplexer>().GetDatabase();
        var pending = await redis.StreamPendingMessagesAsync(worker.Get<RedisKeys>().Stream, RedisStreamQueue.Group, 10, RedisValue.Null);
        Assert.Equal([batch.Single(d => d.Events![0].ProviderId == broken).Id], pending.Select(p => (string)p.MessageId!));
        Assert.Equal(1, (await worker.ServedAsync(healthy, DateOnly.MinValue, DateOnly.MaxValue)).Sent);
        Assert.Equal(1, await queue.DepthAsync(CancellationToken.None));
    }

    [Fact]
    public async Task AMessageNoTryOfWhichEnds_IsDeadLetteredUntried_PastTenTimesMaxDeliveries()
    {
        var prefix = $"d{Guid.NewGuid():N}";
        await using var first = await WorkerAsync(prefix);
        await using var second = await WorkerAsync(prefix);
        var id = await first.CreateProviderAsync();
        await first.Get<IEventQueue>().EnqueueAsync([first.Event(id, EventKind.Sent, "fatal")], null, CancellationToken.None);

        // Queue:MaxDeliveries is 2: 20 takes that each stopped their worker, then the 21st.
        await TakeAndDropAsync(first, second, 2 * QueueOptions.CrashDeliveries);
        var last = await first.Get<IEventQueue>().ReceiveAsync(10, CancellationToken.None);
        var result = await first.Get<BatchProcessor>().ProcessAsync(last, CancellationToken.None);

        Assert.Equal(21, Assert.Single(last).DeliveryCount);
        Assert.Equal(0, result.Applied);
        var redis = first.Get<IConnectionMultiplexer>().GetDatabase();
        Assert.Contains("delivered 21 times, and no try ended", (string?)Assert.Single(await redis.StreamRangeAsync(first.Get<RedisKeys>().DeadLetters))["reason"]);
        Assert.Equal(0, (await first.ServedAsync(id, DateOnly.MinValue, DateOnly.MaxValue)).Sent);
    }
}
