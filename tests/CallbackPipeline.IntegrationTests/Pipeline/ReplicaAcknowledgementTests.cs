using System.Net;
using System.Text.Json.Nodes;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Storage;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Redis;
using CallbackPipeline.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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

        await app.Replica.FreezeAsync();
        HttpResponseMessage refused;
        StorageUnavailableException notFlushed;
        try
        {
            refused = await account.PostCallbackAsync(provider, GenericCallback.Delivered("while"));
            // Counted on the primary, but not confirmed: the worker would not acknowledge its messages.
            await Assert.ThrowsAsync<StorageUnavailableException>(() => counters.ApplyAsync([unconfirmed], CancellationToken.None));
            notFlushed = await Assert.ThrowsAsync<StorageUnavailableException>(() => flush.FlushAllAsync(CancellationToken.None));
        }
        finally
        {
            await app.Replica.ThawAsync();
        }

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
    public async Task CountsFoundAsDuplicates_AreConfirmedOnTheReplicaBeforeTheCallerAcknowledgesThem()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var counted = new CallbackEvent(id, EventKind.Delivered, "counted-then-stopped", null, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), DateOnly.FromDateTime(DateTime.UtcNow));
        var keys = app.Services.GetRequiredService<RedisKeys>();
        // Another worker: a connection of its own, which wrote nothing of the first worker's counts.
        using var otherWrites = new ReplicatedWrites(
            app.Services.GetRequiredService<IConnectionMultiplexer>(),
            app.Services.GetRequiredService<IOptions<RedisOptions>>(),
            app.Services.GetRequiredService<IOptions<ConnectionOptions>>());
        var other = new CounterStore(
            otherWrites, keys, new FlushIndex(app.Services.GetRequiredService<IConnectionMultiplexer>(), keys, otherWrites),
            app.Services.GetRequiredService<IOptions<CountingOptions>>(), TimeProvider.System);

        await app.Replica.FreezeAsync();
        try
        {
            // The first worker counts on the primary and stops before the replica has it; its messages go to the other,
            // which finds the counts as duplicates. Acknowledging them now would let a failover lose the counts.
            await Assert.ThrowsAsync<StorageUnavailableException>(() => app.Services.GetRequiredService<CounterStore>().ApplyAsync([counted], CancellationToken.None));
            var writesBefore = await HincrbyCallsAsync();
            var unconfirmed = await Assert.ThrowsAsync<StorageUnavailableException>(() => other.ApplyAsync([counted], CancellationToken.None));
            Assert.Contains("0 of the 1 Redis replicas required", unconfirmed.Message);
            // The call that found only duplicates wrote once (count.lua adds 0 to its generation's record count). From
            // Redis 7.2 a WAIT covers what the replication stream held after its connection's last write, and without
            // a write of its own the other worker's WAIT would cover nothing of the first worker's counts; Redis 7.0
            // moves that point on every command, so here the write is seen, not needed.
            Assert.Equal(writesBefore + 1, await HincrbyCallsAsync());
        }
        finally
        {
            await app.Replica.ThawAsync();
        }

        Assert.Equal(new CountResult(0, 1, 0, 0), await other.ApplyAsync([counted], CancellationToken.None));
    }

    private async Task<long> HincrbyCallsAsync()
    {
        var stats = (string)(await app.Redis.ExecuteAsync("INFO", "commandstats"))!;
        var line = stats.Split('\n').FirstOrDefault(l => l.StartsWith("cmdstat_hincrby:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split("calls=")[1].Split(',')[0]);
    }

    [Fact]
    public async Task ABatchTheReplicaDidNotConfirm_IsAcknowledgedByItsOwnWorkerOnceTheReplicaAnswers()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var day = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd");
        var stream = app.Services.GetRequiredService<RedisKeys>().Stream;
        var primary = app.Redis.Database;

        await app.Replica.FreezeAsync();
        HttpResponseMessage refused;
        long pendingWhileFrozen;
        try
        {
            // Refused, but queued on the primary: the worker counts it there and cannot confirm it, so it stays pending.
            refused = await account.PostCallbackAsync(provider, GenericCallback.Delivered("unconfirmed"));
            pendingWhileFrozen = await Polling.UntilAsync(
                async () => (await primary.StreamPendingAsync(stream, RedisStreamQueue.Group)).PendingMessageCount, n => n == 1);
            await account.StatsUntilAsync(id, day, day, s => s.Total("delivered") == 1);
        }
        finally
        {
            await app.Replica.ThawAsync();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(1, pendingWhileFrozen);
        // No other worker would take the entry over for 10 minutes (Queue:ClaimIdle): only its own worker's retry of the
        // failed batch acknowledges it, once the replica has the count.
        Assert.Equal(0, await Polling.UntilAsync(() => primary.StreamLengthAsync(stream), n => n == 0));
        Assert.Equal(1, (await account.StatsAsync(id, day, day)).Total("delivered"));
    }

    [Fact]
    public async Task AFailedBatchTriedAgain_DeadLettersItsUnreadableMessageOnce()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var day = DateOnly.FromDateTime(DateTime.UtcNow);
        var keys = app.Services.GetRequiredService<RedisKeys>();
        var primary = app.Redis.Database;
        var delivered = new CallbackEvent(id, EventKind.Delivered, "beside-unreadable", null, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), day);
        var deadBefore = await primary.StreamLengthAsync(keys.DeadLetters);

        await app.Replica.FreezeAsync();
        try
        {
            // One batch: the unreadable entry is dead-lettered, the readable one is counted and cannot be confirmed.
            var both = primary.CreateTransaction();
            _ = both.StreamAddAsync(keys.Stream, StreamFields.Payload, "not a queue payload");
            _ = both.StreamAddAsync(keys.Stream, StreamFields.Payload, QueuePayload.Write([delivered]));
            Assert.True(await both.ExecuteAsync());
            await Polling.UntilAsync(() => primary.StreamLengthAsync(keys.DeadLetters), n => n == deadBefore + 1);
            // Long enough for the worker to try the batch again a few times (200, 400, 800 ms apart).
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        finally
        {
            await app.Replica.ThawAsync();
        }

        Assert.Equal(0, await Polling.UntilAsync(() => primary.StreamLengthAsync(keys.Stream), n => n == 0));
        Assert.Equal(deadBefore + 1, await primary.StreamLengthAsync(keys.DeadLetters));
        var text = day.ToString("yyyy-MM-dd");
        Assert.Equal(1, (await account.StatsAsync(id, text, text)).Total("delivered"));
    }
}
