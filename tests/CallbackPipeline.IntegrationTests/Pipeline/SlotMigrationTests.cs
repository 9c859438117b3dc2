using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Stats;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Redis;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>
/// A Redis Cluster reshard moves a slot key by key, so for a while a provider's keys are split between two nodes.
/// Every script declares a key that does not exist in normal operation (the gone marker, the flush batch), so Redis
/// refuses it on both nodes (ASK, then TRYAGAIN) until the slot has moved: nothing runs on half the keys.
/// </summary>
public sealed class SlotMigrationTests(HarnessFixture fixture) : IClassFixture<HarnessFixture>
{
    [Fact]
    public async Task WhileAProvidersSlotMoves_ItsScriptsAreRefused_AndCountingAndFlushingAreExactAfter()
    {
        await using var harness = await StorageHarness.CreateAsync(fixture.Database.ConnectionString, $"s{Guid.NewGuid():N}",
            new Dictionary<string, string?> { ["ConnectionStrings:redis"] = TestServers.RedisCluster });
        var id = await harness.CreateProviderAsync();
        var counters = harness.Get<CounterStore>();
        var flush = harness.Get<FlushStore>();
        var today = EventClock.DayIn(harness.Clock.GetUtcNow(), TimeZoneInfo.Utc);
        await counters.ApplyAsync([harness.Event(id, EventKind.Sent, "m1"), harness.Event(id, EventKind.Delivered, "m1"), harness.Event(id, EventKind.Sent, "m2")], CancellationToken.None);

        var batch = new[] { harness.Event(id, EventKind.Delivered, "m1"), harness.Event(id, EventKind.Delivered, "m2"), harness.Event(id, EventKind.Sent, "m3") };
        var move = await SlotMove.StartAsync(harness, id);
        try
        {
            Assert.True(move.Keys.Count >= 4, $"{move.Keys.Count} keys in the slot");
            // Half the keys moved, as a reshard in progress leaves them.
            await move.MigrateAsync(move.Keys.Where((_, i) => i % 2 == 0));

            var counting = await Assert.ThrowsAnyAsync<Exception>(() => counters.ApplyAsync(batch, CancellationToken.None));
            var cutting = await Assert.ThrowsAnyAsync<Exception>(() => flush.CutAsync(id, CancellationToken.None));
            Assert.Contains("TRYAGAIN", counting.ToString());
            Assert.Contains("TRYAGAIN", cutting.ToString());
        }
        finally
        {
            await move.FinishAsync();
        }

        var applied = await Polling.UntilAsync(() => TryApplyAsync(counters, batch), r => r is not null);
        Assert.Equal(new CountResult(2, 1, 0, 0), applied);
        Assert.Equal(new DailyCounts(3, 2, 0, 0, 0, 0), await harness.ServedAsync(id, today, today));
        var cut = (await flush.CutAsync(id, CancellationToken.None))!;
        Assert.Equal(FlushCommit.Applied, await flush.CommitAsync(cut, CancellationToken.None));
        await flush.DropAsync(cut, CancellationToken.None);
        Assert.Equal(new DailyCounts(3, 2, 0, 0, 0, 0), (await PipelineSteps.RowsAsync(fixture.Database.ConnectionString, id)).Sum());
        Assert.Equal(new DailyCounts(3, 2, 0, 0, 0, 0), await harness.ServedAsync(id, today, today));
    }

    [Fact]
    public async Task WhileAProvidersSlotMoves_AStatsReadIsRefused_NotAnsweredWithoutTheKeysThatMoved()
    {
        await using var harness = await StorageHarness.CreateAsync(fixture.Database.ConnectionString, $"s{Guid.NewGuid():N}",
            new Dictionary<string, string?> { ["ConnectionStrings:redis"] = TestServers.RedisCluster });
        var id = await harness.CreateProviderAsync();
        var counters = harness.Get<CounterStore>();
        var today = EventClock.DayIn(harness.Clock.GetUtcNow(), TimeZoneInfo.Utc);
        // A batch in flight (cut, not committed: PostgreSQL down, say), and new deltas beside it.
        await counters.ApplyAsync([harness.Event(id, EventKind.Sent, "m1")], CancellationToken.None);
        Assert.NotNull(await harness.Get<FlushStore>().CutAsync(id, CancellationToken.None));
        await counters.ApplyAsync([harness.Event(id, EventKind.Sent, "m2"), harness.Event(id, EventKind.Sent, "m3")], CancellationToken.None);
        Assert.Equal(3, (await harness.ServedAsync(id, today, today)).Sent);

        var counts = harness.Get<RedisKeys>().Provider(id).CounterPrefix + ProviderKeys.DayText(today);
        var move = await SlotMove.StartAsync(harness, id);
        try
        {
            Assert.Contains(counts, move.Keys);
            // The day's counts moved first; the batch, its count and the dirty days are still on the source.
            await move.MigrateAsync([counts]);

            var reading = await Assert.ThrowsAnyAsync<Exception>(() => harness.ServedAsync(id, today, today));
            // Refused as a slot in motion (the stats answer 503, try again), not as a script error (500).
            Assert.Contains("TRYAGAIN", reading.ToString());
        }
        finally
        {
            await move.FinishAsync();
        }

        Assert.Equal(3, (await Polling.UntilAsync(() => TryServeAsync(harness, id, today), c => c is not null))!.Value.Sent);
    }

    private static async Task<DailyCounts?> TryServeAsync(StorageHarness harness, string id, DateOnly day)
    {
        try
        {
            return await harness.ServedAsync(id, day, day);
        }
        catch (Exception e) when (e is RedisServerException or CallbackPipeline.Storage.StorageUnavailableException)
        {
            return null;
        }
    }

    /// <summary>
    /// A provider's slot being moved to another primary, as a reshard does: importing there, migrating here, its keys
    /// moved one by one (<see cref="MigrateAsync"/>) until <see cref="FinishAsync"/> moves the rest and gives the slot
    /// to the target on every primary, so the cluster the other tests share stays whole.
    /// </summary>
    private sealed record SlotMove(IConnectionMultiplexer Redis, int Slot, ClusterConfiguration Cluster, IServer From, ClusterNode Target, List<string> Keys)
    {
        private readonly HashSet<string> moved = new(StringComparer.Ordinal);

        public static async Task<SlotMove> StartAsync(StorageHarness harness, string providerId)
        {
            var redis = harness.Get<IConnectionMultiplexer>();
            var slot = redis.HashSlot(harness.Get<RedisKeys>().Provider(providerId).Dirty);
            var cluster = (await Polling.UntilAsync(
                () => Task.FromResult(redis.GetServers().Where(s => s.IsConnected && !s.IsReplica && s.ClusterConfiguration is not null).ToList()),
                servers => servers.Count >= 2))[0].ClusterConfiguration!;
            var source = cluster.GetBySlot(slot)!;
            var target = cluster.Nodes.First(n => !n.IsReplica && n.NodeId != source.NodeId);
            var from = redis.GetServer(source.EndPoint!);
            var keys = ((RedisResult[])(await from.ExecuteAsync("CLUSTER", "GETKEYSINSLOT", slot, 10_000))!).Select(k => (string)k!).ToList();
            await redis.GetServer(target.EndPoint!).ExecuteAsync("CLUSTER", "SETSLOT", slot, "IMPORTING", source.NodeId);
            await from.ExecuteAsync("CLUSTER", "SETSLOT", slot, "MIGRATING", target.NodeId);
            return new SlotMove(redis, slot, cluster, from, target, keys);
        }

        public async Task MigrateAsync(IEnumerable<string> keys)
        {
            var endpoint = (System.Net.IPEndPoint)Target.EndPoint!;
            foreach (var key in keys.Where(moved.Add))
            {
                await From.ExecuteAsync("MIGRATE", endpoint.Address.ToString(), endpoint.Port, key, 0, 5000);
            }
        }

        public async Task FinishAsync()
        {
            await MigrateAsync(Keys);
            foreach (var node in Cluster.Nodes.Where(n => !n.IsReplica))
            {
                await Redis.GetServer(node.EndPoint!).ExecuteAsync("CLUSTER", "SETSLOT", Slot, "NODE", Target.NodeId);
            }
        }
    }

    // Until the client has learnt the slot's new owner, a call may still be refused.
    private static async Task<CountResult?> TryApplyAsync(CounterStore counters, IEnumerable<CallbackEvent> batch)
    {
        try
        {
            return await counters.ApplyAsync(batch, CancellationToken.None);
        }
        catch (RedisServerException)
        {
            return null;
        }
    }
}
