using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Stats;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Providers;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Worker;
using Npgsql;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>
/// Each test stops the pipeline between two of its steps, as a kill -9 would, then lets another worker carry on,
/// and checks that nothing was lost or doubled. The seams are the steps themselves: receive, apply, complete;
/// cut, commit, drop.
/// </summary>
public sealed class CrashSafetyTests(HarnessFixture fixture) : IClassFixture<HarnessFixture>
{
    private async Task<(StorageHarness First, StorageHarness Second)> TwoWorkersAsync(string? postgresForFirst = null)
    {
        var prefix = $"c{Guid.NewGuid():N}";
        return (await StorageHarness.CreateAsync(postgresForFirst ?? fixture.Database.ConnectionString, prefix),
                await StorageHarness.CreateAsync(fixture.Database.ConnectionString, prefix));
    }

    [Fact]
    public async Task WorkerDiesAfterCountingBeforeAck_TheMessageIsCountedOnceAfterTakeover()
    {
        var (crashed, survivor) = await TwoWorkersAsync();
        await using var _ = crashed;
        await using var __ = survivor;
        var id = await crashed.CreateProviderAsync();
        var queue = crashed.Get<IEventQueue>();
        await queue.EnqueueAsync([crashed.Event(id, EventKind.Sent, "m1"), crashed.Event(id, EventKind.Delivered, "m1")], null, CancellationToken.None);

        var taken = await queue.ReceiveAsync(10, CancellationToken.None);
        await crashed.Get<CounterStore>().ApplyAsync(taken.SelectMany(d => d.Events!), CancellationToken.None);
        // The process dies here: the message was counted but never acknowledged.

        var reclaimed = await survivor.Get<IEventQueue>().ReceiveAsync(10, CancellationToken.None);
        var result = await survivor.Get<BatchProcessor>().ProcessAsync(reclaimed, CancellationToken.None);

        Assert.Equal(taken.Select(d => d.Id), reclaimed.Select(d => d.Id));
        Assert.Equal(2, reclaimed.Single().DeliveryCount);
        Assert.Equal(new CountResult(0, 2, 0, 0), result);
        Assert.Equal(0, await survivor.Get<IEventQueue>().DepthAsync(CancellationToken.None));
        var today = EventClock.DayIn(survivor.Clock.GetUtcNow(), TimeZoneInfo.Utc);
        Assert.Equal(new DailyCounts(1, 1, 0, 0, 0, 0), await survivor.ServedAsync(id, today, today));
    }

    /// <summary>Two sent events counted, then cut and committed but not dropped, as a flusher that died would leave them.</summary>
    private static async Task<FlushBatch> CommitWithoutDropAsync(StorageHarness worker, string providerId)
    {
        await worker.Get<CounterStore>().ApplyAsync([worker.Event(providerId, EventKind.Sent, "m1"), worker.Event(providerId, EventKind.Sent, "m2")], CancellationToken.None);
        var flush = worker.Get<FlushStore>();
        var batch = (await flush.CutAsync(providerId, CancellationToken.None))!;
        Assert.Equal(FlushCommit.Applied, await flush.CommitAsync(batch, CancellationToken.None));
        return batch;
    }

    [Fact]
    public async Task FlusherDiesAfterCommitBeforeDrop_TheBatchIsNotAppliedTwice()
    {
        var (crashed, survivor) = await TwoWorkersAsync();
        await using var _ = crashed;
        await using var __ = survivor;
        var id = await crashed.CreateProviderAsync();
        var today = EventClock.DayIn(crashed.Clock.GetUtcNow(), TimeZoneInfo.Utc);
        var batch = await CommitWithoutDropAsync(crashed, id);
        // The process dies here: PostgreSQL has the batch, Redis still holds it.

        Assert.Equal(2, (await survivor.ServedAsync(id, today, today)).Sent);
        await survivor.Get<CounterStore>().ApplyAsync([survivor.Event(id, EventKind.Sent, "m3")], CancellationToken.None);
        var retried = await survivor.Get<FlushStore>().FlushAsync(id, CancellationToken.None);
        var next = await survivor.Get<FlushStore>().FlushAsync(id, CancellationToken.None);

        Assert.Equal((batch.Id, FlushCommit.AlreadyApplied), (retried!.Value.Batch.Id, retried.Value.Outcome));
        Assert.Equal(FlushCommit.Applied, next!.Value.Outcome);
        Assert.Null(await survivor.Get<FlushStore>().FlushAsync(id, CancellationToken.None));
        Assert.Equal(3, (await PipelineSteps.RowsAsync(fixture.Database.ConnectionString, id)).Sum().Sent);
        Assert.Equal(3, (await survivor.ServedAsync(id, today, today)).Sent);
    }

    [Fact]
    public async Task WorkersBackAfterTheBatchIdsAreKept_FlushTheLeftBatchBeforeTheyForgetItsId()
    {
        var (crashed, survivor) = await TwoWorkersAsync();
        await using var _ = crashed;
        await using var __ = survivor;
        var id = await crashed.CreateProviderAsync();
        var today = EventClock.DayIn(crashed.Clock.GetUtcNow(), TimeZoneInfo.Utc);
        await CommitWithoutDropAsync(crashed, id);
        // The process dies here, and no worker runs for three days: longer than batch ids are kept.

        survivor.Clock.Advance(TimeSpan.FromDays(3));
        await survivor.Get<FlushService>().FlushAllAsync(CancellationToken.None);

        Assert.Equal(2, (await PipelineSteps.RowsAsync(fixture.Database.ConnectionString, id)).Sum().Sent);
        Assert.Null(await survivor.Get<FlushStore>().CutAsync(id, CancellationToken.None));
        await using var db = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        await using var ids = db.CreateCommand("select count(*) from flush_batches where provider_id = $1");
        ids.Parameters.AddWithValue(id);
        Assert.Equal(0L, await ids.ExecuteScalarAsync());
        Assert.Equal(2, (await survivor.ServedAsync(id, today, today)).Sent);
    }

    [Fact]
    public async Task PostgresDown_CountingGoesOn_AndTheFlushCatchesUpWithNothingLost()
    {
        var down = new NpgsqlConnectionStringBuilder(fixture.Database.ConnectionString) { Port = 1, Timeout = 1 }.ConnectionString;
        var (outage, recovered) = await TwoWorkersAsync(postgresForFirst: down);
        await using var _ = outage;
        await using var __ = recovered;
        var id = await recovered.CreateProviderAsync();
        var today = EventClock.DayIn(recovered.Clock.GetUtcNow(), TimeZoneInfo.Utc);

        var counters = outage.Get<CounterStore>();
        await counters.ApplyAsync([outage.Event(id, EventKind.Sent, "m1"), outage.Event(id, EventKind.Delivered, "m1")], CancellationToken.None);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => outage.Get<FlushService>().FlushAllAsync(CancellationToken.None));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => outage.Get<FlushStore>().FlushAsync(id, CancellationToken.None));
        await counters.ApplyAsync([outage.Event(id, EventKind.Sent, "m2"), outage.Event(id, EventKind.Clicked, "m1", "c1")], CancellationToken.None);

        await recovered.Get<FlushService>().FlushAllAsync(CancellationToken.None);
        await recovered.Get<FlushService>().FlushAllAsync(CancellationToken.None);

        var expected = new DailyCounts(Sent: 2, Delivered: 1, Failed: 0, Clicks: 1, Clicked: 1, Replies: 0);
        Assert.Equal(expected, (await PipelineSteps.RowsAsync(fixture.Database.ConnectionString, id)).Sum());
        Assert.Equal(expected, await recovered.ServedAsync(id, today, today));
        Assert.Null(await recovered.Get<FlushStore>().CutAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task ADeleteRacingAFlush_DoesNotResurrectRows()
    {
        var (worker, api) = await TwoWorkersAsync();
        await using var _ = worker;
        await using var __ = api;
        var id = await worker.CreateProviderAsync();
        await worker.Get<CounterStore>().ApplyAsync([worker.Event(id, EventKind.Sent, "m1")], CancellationToken.None);
        var batch = (await worker.Get<FlushStore>().CutAsync(id, CancellationToken.None))!;

        var providers = api.Get<ProviderStore>();
        var accountId = await AccountOfAsync(id);
        Assert.True(await providers.DeleteAsync(accountId, id, CancellationToken.None));
        await api.Get<ProviderDataCleaner>().ForgetAsync(id, CancellationToken.None);

        Assert.Equal(FlushCommit.ProviderGone, await worker.Get<FlushStore>().CommitAsync(batch, CancellationToken.None));
        Assert.Empty(await PipelineSteps.RowsAsync(fixture.Database.ConnectionString, id));
        var late = await worker.Get<CounterStore>().ApplyAsync([worker.Event(id, EventKind.Sent, "m2")], CancellationToken.None);
        Assert.Equal(1, late.Dropped);
    }

    private async Task<string> AccountOfAsync(string providerId)
    {
        await using var db = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        await using var command = db.CreateCommand("select account_id from providers where id = $1");
        command.Parameters.AddWithValue(providerId);
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
