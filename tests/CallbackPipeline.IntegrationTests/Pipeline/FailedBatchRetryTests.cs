using System.Globalization;
using System.Net;
using CallbackPipeline.Core.Events;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>
/// A batch whose apply failed because a store was unavailable (here: a replica that does not acknowledge) is tried
/// again by its own worker, long before another could take it over (docs/reliability.md, "A failed batch").
/// </summary>
public sealed class FailedBatchRetryTests(SlowTakeoverReplicaApp app) : IClassFixture<SlowTakeoverReplicaApp>
{
    [Fact]
    public async Task ABatchTheReplicaDidNotConfirm_IsAcknowledgedByItsOwnWorkerOnceTheReplicaAnswers()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var day = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd");
        var keys = app.Services.GetRequiredService<RedisKeys>();
        var primary = app.Redis.Database;

        var (refused, pendingWhileFrozen) = await app.Replica.WhileFrozenAsync(async () =>
        {
            // Refused, but queued on the primary: the worker counts it there and cannot confirm it, so it stays pending.
            var refused = await account.PostCallbackAsync(provider, GenericCallback.Delivered("unconfirmed"));
            var pending = await Polling.UntilAsync(() => PipelineSteps.PendingDeliveriesAsync(primary, keys), d => d.Length == 1);
            await account.StatsUntilAsync(id, day, day, s => s.Total("delivered") == 1);
            return (refused, pending.Length);
        });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(1, pendingWhileFrozen);
        // No other worker would take the entry over for 10 minutes (Queue:ClaimIdle): only its own worker's retry of the
        // failed batch acknowledges it, once the replica has the count.
        Assert.Equal(0, await Polling.UntilAsync(() => primary.StreamLengthAsync(keys.Stream), n => n == 0));
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

        await app.Replica.WhileFrozenAsync(async () =>
        {
            // One batch: the unreadable entry is dead-lettered, the readable one is counted and cannot be confirmed.
            var both = primary.CreateTransaction();
            _ = both.StreamAddAsync(keys.Stream, StreamFields.Payload, "not a queue payload");
            _ = both.StreamAddAsync(keys.Stream, StreamFields.Payload, QueuePayload.Write([delivered]));
            Assert.True(await both.ExecuteAsync());
            await Polling.UntilAsync(() => primary.StreamLengthAsync(keys.DeadLetters), n => n == deadBefore + 1);
            // Long enough for the worker to try the batch again a few times (200, 400, 800 ms apart).
            await Task.Delay(TimeSpan.FromSeconds(2));
            return true;
        });

        Assert.Equal(0, await Polling.UntilAsync(() => primary.StreamLengthAsync(keys.Stream), n => n == 0));
        Assert.Equal(deadBefore + 1, await primary.StreamLengthAsync(keys.DeadLetters));
        var text = day.ToString("yyyy-MM-dd");
        Assert.Equal(1, (await account.StatsAsync(id, text, text)).Total("delivered"));
    }
}

/// <summary>The pipeline with a pending batch taken over only after 10 minutes.</summary>
public sealed class SlowTakeoverApp : PipelineApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Queue:ClaimIdle"] = "00:10:00" };
}

/// <summary>A batch that fails for another reason than an outage does not hold up the batches after it.</summary>
public sealed class FailingBatchTests(SlowTakeoverApp app) : IClassFixture<SlowTakeoverApp>
{
    [Fact]
    public async Task ABatchThatCannotBeApplied_IsLeftToItsClaimTime_AndTheWorkerGoesOn()
    {
        var account = await app.CreateAccountAsync();
        var broken = await account.CreateProviderAsync(name: "broken");
        var healthy = await account.CreateProviderAsync(name: "healthy");
        var day = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var keys = app.Services.GetRequiredService<RedisKeys>();
        var db = app.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var sizes = await PipelineSteps.BreakCountingAsync(app.Services, broken["id"]!.GetValue<string>(), DateTimeOffset.UtcNow);
        try
        {
            await account.PostCallbackUntilAcceptedAsync(broken, GenericCallback.Delivered("cannot-apply"));
            Assert.Single(await Polling.UntilAsync(() => PipelineSteps.PendingDeliveriesAsync(db, keys), d => d.Length == 1));
            await account.PostCallbackUntilAcceptedAsync(healthy, GenericCallback.Delivered("after-it"));

            Assert.Equal(1, (await account.StatsUntilAsync(healthy["id"]!.GetValue<string>(), day, day, s => s.Total("delivered") == 1)).Total("delivered"));
            Assert.Equal(0, (await account.StatsAsync(broken["id"]!.GetValue<string>(), day, day)).Total("delivered"));
        }
        finally
        {
            await db.KeyDeleteAsync(sizes);
        }
    }
}

/// <summary>
/// An outage adds deliveries to the messages it holds up; they are still counted once it ends, however many there were
/// (docs/reliability.md, "A failed batch").
/// </summary>
public sealed class OutageDeliveriesTests(OneDeliveryReplicaApp app) : IClassFixture<OneDeliveryReplicaApp>
{
    [Fact]
    public async Task AMessageDeliveredPastMaxDeliveriesDuringAnOutage_IsNotDeadLettered_AndCountsOnceItEnds()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var day = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd");
        var keys = app.Services.GetRequiredService<RedisKeys>();
        var primary = app.Redis.Database;
        var deadBefore = await primary.StreamLengthAsync(keys.DeadLetters);

        var deliveries = await app.Replica.WhileFrozenAsync(async () =>
        {
            // Queued on the primary, its count never confirmed: every claim time (2 s) the worker takes it again.
            await account.PostCallbackAsync(provider, GenericCallback.Delivered("held-up-by-an-outage"));
            return await Polling.UntilAsync(() => PipelineSteps.PendingDeliveriesAsync(primary, keys), d => d.Length == 1 && d[0] >= 3);
        });

        Assert.True(deliveries is [>= 3], $"delivered {string.Join(", ", deliveries)} time(s)");
        Assert.Equal(0, await Polling.UntilAsync(() => primary.StreamLengthAsync(keys.Stream), n => n == 0));
        Assert.Equal(deadBefore, await primary.StreamLengthAsync(keys.DeadLetters));
        Assert.Equal(1, (await account.StatsAsync(id, day, day)).Total("delivered"));
    }
}
