using System.Diagnostics.Metrics;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Telemetry;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Redis;
using CallbackPipeline.Worker;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>
/// A flush pass works from the flush index: only the providers that counted something are flushed, two workers never
/// hold one provider at once, and no stop between two steps (count → list, claim → release) strands a delta.
/// </summary>
public sealed class FlushIndexTests(HarnessFixture fixture) : IClassFixture<HarnessFixture>
{
    private async Task<StorageHarness> WorkerAsync(string prefix, string lease = "00:01:00") =>
        await StorageHarness.CreateAsync(fixture.Database.ConnectionString, prefix, new Dictionary<string, string?> { ["Flush:Lease"] = lease });

    private static string NewPrefix() => $"f{Guid.NewGuid():N}";

    /// <summary>Two workers on one Redis prefix and database, with one provider and a first pass (the index is built).</summary>
    private async Task<(StorageHarness First, StorageHarness Second, string ProviderId)> TwoWorkersAsync(string lease = "00:01:00")
    {
        var prefix = NewPrefix();
        var first = await WorkerAsync(prefix, lease);
        var second = await WorkerAsync(prefix, lease);
        var id = await first.CreateProviderAsync();
        await second.Get<FlushService>().FlushAllAsync(CancellationToken.None);
        return (first, second, id);
    }

    /// <summary>Runs the counting script alone, as a worker that stops before listing the provider would have.</summary>
    private static async Task CountUnlistedAsync(StorageHarness h, params CallbackEvent[] events)
    {
        var settings = h.Get<IOptions<CountingOptions>>().Value;
        var (keys, args) = CounterStore.ScriptArguments(
            h.Get<RedisKeys>().Provider(events[0].ProviderId), events, h.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
            (long)settings.DedupWindow.TotalSeconds, settings.DedupFirstBucketBits, settings.DedupGenerations,
            (long)CounterStore.GenerationLength(settings).TotalSeconds);
        await h.Get<IConnectionMultiplexer>().GetDatabase().ScriptEvaluateAsync(LuaScripts.Count, keys, args);
    }

    /// <summary>
    /// A sent event queued and taken by <paramref name="crashed"/>, which counts it and dies: counted, not listed, not
    /// acknowledged.
    /// </summary>
    private static async Task TakeAndCountUnlistedAsync(StorageHarness crashed, string providerId)
    {
        var queue = crashed.Get<IEventQueue>();
        await queue.EnqueueAsync([crashed.Event(providerId, EventKind.Sent, "m1")], null, CancellationToken.None);
        await CountUnlistedAsync(crashed, (await queue.ReceiveAsync(10, CancellationToken.None)).SelectMany(d => d.Events!).ToArray());
    }

    /// <summary>What the worker's gauge <c>callbackpipeline.flush.pending</c> reports now.</summary>
    private static long PendingGauge(StorageHarness h)
    {
        using var pending = new MetricCollector<long>(h.Get<IMeterFactory>(), PipelineMetrics.MeterName, "callbackpipeline.flush.pending");
        pending.RecordObservableInstruments();
        return pending.LastMeasurement!.Value;
    }

    private async Task<long> FlushedSentAsync(string id) =>
        (await PipelineSteps.RowsAsync(fixture.Database.ConnectionString, id)).Values.Sum(c => c.Sent);

    [Fact]
    public async Task APass_FlushesTheProvidersThatCounted_AndNoOthers()
    {
        await using var h = await WorkerAsync(NewPrefix());
        var active = await h.CreateProviderAsync();
        var idle = await h.CreateProviderAsync();
        var index = h.Get<FlushIndex>();
        await h.Get<FlushService>().FlushAllAsync(CancellationToken.None);
        Assert.Equal((0, 0), await index.SizeAsync());

        await h.Get<CounterStore>().ApplyAsync([h.Event(active, EventKind.Sent, "m1"), h.Event(active, EventKind.Sent, "m2")], CancellationToken.None);
        Assert.Equal((1, 0), await index.SizeAsync());
        // Deltas the index does not list (only a script run without the counter around it makes them) show that a pass
        // does not look at every provider.
        await CountUnlistedAsync(h, h.Event(idle, EventKind.Sent, "m3"));
        await h.Get<FlushService>().FlushAllAsync(CancellationToken.None);

        Assert.Equal(2, await FlushedSentAsync(active));
        Assert.Equal(0, await FlushedSentAsync(idle));
        Assert.Equal((0, 0), await index.SizeAsync());
    }

    [Fact]
    public async Task DeltasCountedBeforeTheIndexExisted_AreFlushedByTheFirstPass()
    {
        await using var h = await WorkerAsync(NewPrefix());
        var id = await h.CreateProviderAsync();
        await CountUnlistedAsync(h, h.Event(id, EventKind.Sent, "m1"));

        await h.Get<FlushService>().FlushAllAsync(CancellationToken.None);

        Assert.Equal(1, await FlushedSentAsync(id));
        Assert.Equal(1, (await h.ServedAsync(id, DateOnly.MinValue, DateOnly.MaxValue)).Sent);
    }

    [Fact]
    public async Task AWorkerStoppedBetweenCountingAndListing_TheRedeliveryListsTheProvider()
    {
        var (crashed, survivor, id) = await TwoWorkersAsync();
        await using var _ = crashed;
        await using var __ = survivor;
        await TakeAndCountUnlistedAsync(crashed, id);
        await survivor.Get<FlushService>().FlushAllAsync(CancellationToken.None);
        Assert.Equal(0, await FlushedSentAsync(id));

        var result = await survivor.Get<BatchProcessor>().ProcessAsync(await survivor.Get<IEventQueue>().ReceiveAsync(10, CancellationToken.None), CancellationToken.None);
        await survivor.Get<FlushService>().FlushAllAsync(CancellationToken.None);

        Assert.Equal(new CountResult(0, 1, 0, 0), result);
        Assert.Equal(1, await FlushedSentAsync(id));
    }

    [Fact]
    public async Task AWorkerStoppedBetweenCountingAndListing_ARedeliveryTooLateByNow_StillListsTheProvider()
    {
        var (crashed, survivor, id) = await TwoWorkersAsync();
        await using var _ = crashed;
        await using var __ = survivor;
        await TakeAndCountUnlistedAsync(crashed, id);
        // The window's edge passes before the survivor takes the entry over.
        survivor.Clock.Advance(survivor.Get<IOptions<CountingOptions>>().Value.DedupWindow + TimeSpan.FromMinutes(1));

        var result = await survivor.Get<BatchProcessor>().ProcessAsync(await survivor.Get<IEventQueue>().ReceiveAsync(10, CancellationToken.None), CancellationToken.None);
        await survivor.Get<FlushService>().FlushAllAsync(CancellationToken.None);

        Assert.Equal(new CountResult(0, 0, 1, 0), result);
        Assert.Equal(1, await FlushedSentAsync(id));
    }

    [Fact]
    public async Task AProviderWhoseScriptFails_DoesNotKeepTheOthersCountsOffTheIndex()
    {
        await using var h = await WorkerAsync(NewPrefix());
        var broken = await h.CreateProviderAsync();
        var healthy = await h.CreateProviderAsync();
        await h.Get<FlushService>().FlushAllAsync(CancellationToken.None);
        await h.BreakCountingAsync(broken);

        await Assert.ThrowsAsync<RedisServerException>(() => h.Get<CounterStore>().ApplyAsync(
            [h.Event(broken, EventKind.Sent, "m1"), h.Event(healthy, EventKind.Sent, "m2")], CancellationToken.None));
        await h.Get<FlushService>().FlushAllAsync(CancellationToken.None);

        Assert.Equal(1, await FlushedSentAsync(healthy));
        Assert.Equal(0, await FlushedSentAsync(broken));
    }

    [Fact]
    public async Task TwoWorkers_NeverClaimOneProviderAtOnce()
    {
        var prefix = NewPrefix();
        await using var first = await WorkerAsync(prefix);
        await using var second = await WorkerAsync(prefix);
        var ids = new List<string>();
        for (var i = 0; i < 20; i++) ids.Add(await first.CreateProviderAsync());
        await first.Get<FlushService>().FlushAllAsync(CancellationToken.None);
        await first.Get<CounterStore>().ApplyAsync(ids.Select(id => first.Event(id, EventKind.Sent, "m1")), CancellationToken.None);

        async Task<List<string>> ClaimAllAsync(FlushIndex index)
        {
            var held = new List<string>();
            while ((await index.ClaimAsync(3, TimeSpan.FromMinutes(1))).ProviderIds is { Count: > 0 } claimed) held.AddRange(claimed);
            return held;
        }
        var both = await Task.WhenAll(ClaimAllAsync(first.Get<FlushIndex>()), ClaimAllAsync(second.Get<FlushIndex>()));

        Assert.Empty(both[0].Intersect(both[1]));
        Assert.Equal(ids.Order(), both[0].Concat(both[1]).Order());
        Assert.Empty((await second.Get<FlushIndex>().ClaimAsync(100, TimeSpan.FromMinutes(1))).ProviderIds);
    }

    [Fact]
    public async Task EventsCountedWhileAProviderIsClaimed_WaitForItsRelease_ThenAreFlushed()
    {
        var (flusher, other, id) = await TwoWorkersAsync();
        await using var _ = flusher;
        await using var __ = other;
        var counters = flusher.Get<CounterStore>();
        await counters.ApplyAsync([flusher.Event(id, EventKind.Sent, "m1")], CancellationToken.None);

        var index = flusher.Get<FlushIndex>();
        var claim = await index.ClaimAsync(10, TimeSpan.FromMinutes(1));
        Assert.Equal([id], claim.ProviderIds);
        await flusher.Get<FlushStore>().FlushAsync(id, CancellationToken.None);
        await counters.ApplyAsync([flusher.Event(id, EventKind.Sent, "m2")], CancellationToken.None);
        await other.Get<FlushService>().FlushAllAsync(CancellationToken.None);
        Assert.Equal(1, await FlushedSentAsync(id));
        Assert.Equal((1, 1), await index.SizeAsync());
        Assert.Equal(1, PendingGauge(other));

        await index.ReleaseAsync(claim, id);
        await other.Get<FlushService>().FlushAllAsync(CancellationToken.None);

        Assert.Equal(2, await FlushedSentAsync(id));
        Assert.Equal((0, 0), await index.SizeAsync());
        Assert.Equal(0, PendingGauge(other));
    }

    [Fact]
    public async Task AClaimReleasedWithABatchLeft_ListsTheProviderAgain()
    {
        await using var h = await WorkerAsync(NewPrefix());
        var id = await h.CreateProviderAsync();
        await h.Get<FlushService>().FlushAllAsync(CancellationToken.None);
        await h.Get<CounterStore>().ApplyAsync([h.Event(id, EventKind.Sent, "m1")], CancellationToken.None);
        var index = h.Get<FlushIndex>();
        var claim = await index.ClaimAsync(10, TimeSpan.FromMinutes(1));

        // A flush that cut its batch and then failed (PostgreSQL down) releases the provider with the batch in Redis.
        Assert.NotNull(await h.Get<FlushStore>().CutAsync(id, CancellationToken.None));
        await index.ReleaseAsync(claim, id);
        Assert.Equal((1, 0), await index.SizeAsync());
        await h.Get<FlushService>().FlushAllAsync(CancellationToken.None);

        Assert.Equal(1, await FlushedSentAsync(id));
        Assert.Equal((0, 0), await index.SizeAsync());
    }

    [Fact]
    public async Task AWorkerStoppedHoldingAClaim_ItsProvidersAreFlushedOnceTheLeaseRunsOut()
    {
        var (crashed, survivor, id) = await TwoWorkersAsync(lease: "00:00:01");
        await using var _ = crashed;
        await using var __ = survivor;
        await crashed.Get<CounterStore>().ApplyAsync([crashed.Event(id, EventKind.Sent, "m1")], CancellationToken.None);
        Assert.Equal([id], (await crashed.Get<FlushIndex>().ClaimAsync(10, TimeSpan.FromSeconds(1))).ProviderIds);
        // The process dies here, holding the claim.

        await survivor.Get<FlushService>().FlushAllAsync(CancellationToken.None);
        Assert.Equal(0, await FlushedSentAsync(id));
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await survivor.Get<FlushService>().FlushAllAsync(CancellationToken.None);

        Assert.Equal(1, await FlushedSentAsync(id));
        Assert.Equal((0, 0), await survivor.Get<FlushIndex>().SizeAsync());
    }

    [Fact]
    public async Task AFlushThatFailsAfterItsCut_ListsTheProviderAgain_AndTheNextPassAppliesItOnce()
    {
        var prefix = NewPrefix();
        var slow = new NpgsqlConnectionStringBuilder(fixture.Database.ConnectionString) { CommandTimeout = 1 }.ConnectionString;
        await using var failing = await StorageHarness.CreateAsync(slow, prefix);
        await using var h = await WorkerAsync(prefix);
        var id = await h.CreateProviderAsync();
        await h.Get<FlushService>().FlushAllAsync(CancellationToken.None);
        await h.Get<CounterStore>().ApplyAsync([h.Event(id, EventKind.Sent, "m1")], CancellationToken.None);

        // daily_stats locked: the pass cuts the batch, and its commit times out.
        await using (var connection = new NpgsqlConnection(fixture.Database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var lockTable = new NpgsqlCommand("lock table daily_stats in exclusive mode", connection, transaction))
            {
                await lockTable.ExecuteNonQueryAsync();
            }
            await Assert.ThrowsAnyAsync<Exception>(() => failing.Get<FlushService>().FlushAllAsync(CancellationToken.None));
            Assert.Equal((1, 0), await h.Get<FlushIndex>().SizeAsync());
        }
        await h.Get<FlushService>().FlushAllAsync(CancellationToken.None);

        Assert.Equal(1, await FlushedSentAsync(id));
        Assert.Equal((0, 0), await h.Get<FlushIndex>().SizeAsync());
        Assert.Null(await h.Get<FlushStore>().CutAsync(id, CancellationToken.None));
    }
}
