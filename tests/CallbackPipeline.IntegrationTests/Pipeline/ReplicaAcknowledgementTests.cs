using System.Net;
using System.Text.Json.Nodes;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Storage;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Redis;
using CallbackPipeline.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>
/// With Redis:WaitForReplicas set, a callback is answered 2xx, counts are acknowledged and a batch is committed only once
/// a replica has them; while the replica does not answer, callbacks are answered 503, no count is confirmed and nothing
/// is flushed, and all of it resumes with the replica.
/// </summary>
public sealed class ReplicaAcknowledgementTests(ReplicaAcknowledgedApp app) : IClassFixture<ReplicaAcknowledgedApp>
{
    [Fact]
    public async Task WhileTheReplicaDoesNotAnswer_CallbacksAre503AndNothingIsCommitted_ThenBothResume()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var day = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd");
        var flush = app.Services.GetRequiredService<FlushService>();
        var counters = app.Services.GetRequiredService<CounterStore>();
        var unconfirmed = new CallbackEvent(id, EventKind.Delivered, "counted", null, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), DateOnly.FromDateTime(DateTime.UtcNow));
        await account.PostCallbackUntilAcceptedAsync(provider, GenericCallback.Delivered("before"));
        await account.StatsUntilAsync(id, day, day, s => s.Total("delivered") == 1);

        var (refused, notFlushed) = await app.Replica.WhileFrozenAsync(async () =>
        {
            var refused = await account.PostCallbackAsync(provider, GenericCallback.Delivered("while"));
            // Counted on the primary, but not confirmed: the worker would not acknowledge its messages.
            await Assert.ThrowsAsync<StorageUnavailableException>(() => counters.ApplyAsync([unconfirmed], CancellationToken.None));
            return (refused, await Assert.ThrowsAsync<StorageUnavailableException>(() => flush.FlushAllAsync(CancellationToken.None)));
        });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Contains("0 of the 1 Redis replicas required (Redis:WaitForReplicas)", problem["detail"]!.GetValue<string>());
        Assert.Contains("Redis replicas", notFlushed.Message);
        Assert.Empty(await PipelineSteps.RowsAsync(app.Services.GetConnectionString(), id));

        // The provider retries the refused callback; it was queued on the primary, so the retry counts nothing twice.
        await account.PostCallbackUntilAcceptedAsync(provider, GenericCallback.Delivered("while"));
        await account.StatsUntilAsync(id, day, day, s => s.Total("delivered") == 3);
        await flush.FlushAllAsync(CancellationToken.None);
        Assert.Equal(3, (await PipelineSteps.RowsAsync(app.Services.GetConnectionString(), id)).Sum().Delivered);
        Assert.Equal(3, (await account.StatsAsync(id, day, day)).Total("delivered"));
    }

    [Fact]
    public async Task CountsFoundAsDuplicatesOrTooLate_AreConfirmedOnTheReplicaBeforeTheCallerAcknowledgesThem()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var counted = new CallbackEvent(id, EventKind.Delivered, "counted-then-stopped", null, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), DateOnly.FromDateTime(DateTime.UtcNow));
        var window = app.Services.GetRequiredService<IOptions<CountingOptions>>().Value.DedupWindow;
        // Two other workers, each on a connection of its own that wrote nothing of the first worker's counts; to the
        // second, the event is too late by now.
        var next = AnotherWorker(TimeProvider.System);
        using var nextWrites = next.Writes;
        var later = AnotherWorker(new FakeTimeProvider(DateTimeOffset.UtcNow + window + TimeSpan.FromHours(1)));
        using var laterWrites = later.Writes;

        await app.Replica.WhileFrozenAsync(async () =>
        {
            // The first worker counts on the primary and stops before the replica has it; its messages go to another,
            // which finds the counts as duplicates, or the events too late. Acknowledging them now would let a failover
            // lose the counts.
            await Assert.ThrowsAsync<StorageUnavailableException>(() => app.Services.GetRequiredService<CounterStore>().ApplyAsync([counted], CancellationToken.None));
            foreach (var worker in new[] { next, later })
            {
                var writesBefore = await HincrbyCallsAsync();
                var unconfirmed = await Assert.ThrowsAsync<StorageUnavailableException>(() => worker.Counters.ApplyAsync([counted], CancellationToken.None));
                Assert.Contains("0 of the 1 Redis replicas required", unconfirmed.Message);
                // The call that added nothing still wrote (count.lua adds 0 to its generation's record count). From
                // Redis 7.2 a WAIT covers the replication stream up to its connection's last write, so without a write
                // of its own this worker's WAIT would cover nothing of the first worker's counts; Redis 7.0 moves that
                // point on every command, so here the write is seen, not needed.
                Assert.True(await HincrbyCallsAsync() > writesBefore);
            }
            return true;
        });

        Assert.Equal(new CountResult(0, 1, 0, 0), await next.Counters.ApplyAsync([counted], CancellationToken.None));
        Assert.Equal(new CountResult(0, 0, 1, 0), await later.Counters.ApplyAsync([counted], CancellationToken.None));
    }

    [Fact]
    public async Task AWorkerTriesAFailedBatchItselfOnlyUntilItsClaimTime_ThenTakesItFromTheQueueAgain()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var day = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd");
        var keys = app.Services.GetRequiredService<RedisKeys>();
        var primary = app.Redis.Database;

        var deliveries = await app.Replica.WhileFrozenAsync(async () =>
        {
            // Refused but queued on the primary; the worker cannot confirm its count. Past Queue:ClaimIdle (2 s here) it
            // stops trying the batch it holds and reads the queue again, which hands it the entry a second time.
            await account.PostCallbackAsync(provider, GenericCallback.Delivered("held-past-its-claim-time"));
            return await Polling.UntilAsync(() => PipelineSteps.PendingDeliveriesAsync(primary, keys), d => d.Length == 1 && d[0] >= 2);
        });

        Assert.True(deliveries is [>= 2], $"delivered {string.Join(", ", deliveries)} time(s)");
        Assert.Equal(0, await Polling.UntilAsync(() => primary.StreamLengthAsync(keys.Stream), n => n == 0));
        Assert.Equal(1, (await account.StatsAsync(id, day, day)).Total("delivered"));
    }

    private (ReplicatedWrites Writes, CounterStore Counters) AnotherWorker(TimeProvider clock)
    {
        var redis = app.Services.GetRequiredService<IConnectionMultiplexer>();
        var keys = app.Services.GetRequiredService<RedisKeys>();
        var writes = new ReplicatedWrites(
            redis, app.Services.GetRequiredService<IOptions<RedisOptions>>(), app.Services.GetRequiredService<IOptions<ConnectionOptions>>());
        return (writes, new CounterStore(
            writes, keys, new FlushIndex(redis, keys, writes), app.Services.GetRequiredService<IOptions<CountingOptions>>(), clock));
    }

    private async Task<long> HincrbyCallsAsync()
    {
        var stats = (string)(await app.Redis.ExecuteAsync("INFO", "commandstats"))!;
        var line = stats.Split('\n').FirstOrDefault(l => l.StartsWith("cmdstat_hincrby:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split("calls=")[1].Split(',')[0]);
    }
}
