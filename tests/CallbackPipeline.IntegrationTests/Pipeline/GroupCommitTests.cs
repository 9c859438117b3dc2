using CallbackPipeline.Core.Events;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Redis;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>Enqueues that arrive together share stream entries, and every one of them is queued whole.</summary>
public sealed class GroupCommitTests(HarnessFixture fixture) : IClassFixture<HarnessFixture>
{
    [Fact]
    public async Task ConcurrentEnqueues_ShareEntries_AndEveryRequestIsQueuedWhole()
    {
        await using var harness = await StorageHarness.CreateAsync(fixture.Database.ConnectionString, $"g{Guid.NewGuid():N}",
            new Dictionary<string, string?> { ["Queue:EnqueueConcurrency"] = "1" });
        var id = await harness.CreateProviderAsync();
        var queue = harness.Get<IEventQueue>();

        var requests = Enumerable.Range(0, 200).Select(r => Enumerable.Range(0, 3).Select(i => harness.Event(id, EventKind.Delivered, $"r{r}-{i}")).ToArray()).ToList();
        await Task.WhenAll(requests.Select(events => queue.EnqueueAsync(events, null, CancellationToken.None)));

        var entries = await harness.Get<IConnectionMultiplexer>().GetDatabase().StreamRangeAsync(harness.Get<RedisKeys>().Stream);
        var queued = entries.Select(e => QueuePayload.TryRead((byte[])e["d"]!)!.Select(x => x.MessageId).ToList()).ToList();
        Assert.InRange(queued.Count, 2, 100);
        Assert.Equal(600, queued.Sum(q => q.Count));
        // A request's three events sit together, in one entry.
        foreach (var r in Enumerable.Range(0, 200))
        {
            Assert.Single(queued, q => q.Contains($"r{r}-0") && q.Contains($"r{r}-1") && q.Contains($"r{r}-2"));
        }
    }
}
