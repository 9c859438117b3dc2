using CallbackPipeline.Core.Events;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Redis;
using CallbackPipeline.Storage.Stats;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>
/// A stats read checks, per provider, that no flush cut a batch between its Redis snapshot and its PostgreSQL rows, and
/// reads again the providers where one did. It never answers from a read it could not check.
/// </summary>
public sealed class StatsReaderTests(HarnessFixture fixture) : IClassFixture<HarnessFixture>
{
    [Fact]
    public async Task AProviderWhoseBatchCountMovesUnderEveryRead_IsUnavailable_NotAnsweredUnchecked()
    {
        var h = fixture.Harness;
        var id = await h.CreateProviderAsync();
        var today = EventClock.DayIn(h.Clock.GetUtcNow(), TimeZoneInfo.Utc);
        await h.Get<CounterStore>().ApplyAsync([h.Event(id, EventKind.Delivered, "m1")], CancellationToken.None);
        var reader = h.Get<StatsReader>();
        Assert.Equal(1, (await reader.ReadAsync([id], today, today, CancellationToken.None))[id][today].Delivered);

        // As if a flush cut a new batch between every snapshot and its check.
        using var stop = new CancellationTokenSource();
        var db = h.Get<IConnectionMultiplexer>().GetDatabase();
        var batchCount = h.Get<RedisKeys>().Provider(id).BatchCount;
        var moving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) await db.StringIncrementAsync(batchCount);
        });
        try
        {
            await Assert.ThrowsAsync<StorageUnavailableException>(() => reader.ReadAsync([id], today, today, CancellationToken.None));
        }
        finally
        {
            await stop.CancelAsync();
            await moving;
        }

        Assert.Equal(1, (await reader.ReadAsync([id], today, today, CancellationToken.None))[id][today].Delivered);
    }
}
