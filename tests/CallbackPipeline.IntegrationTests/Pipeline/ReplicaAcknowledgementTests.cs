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
