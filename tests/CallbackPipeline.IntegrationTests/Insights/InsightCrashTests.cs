using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Insights;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Stats;
using CallbackPipeline.Worker;
using Npgsql;

namespace CallbackPipeline.IntegrationTests.Insights;

/// <summary>
/// The crash seams of the counters, for the insights beside them: a worker dying between count and acknowledge, a
/// flusher dying between cut and commit. Another worker carries on, and every tally is exact.
/// </summary>
public sealed class InsightCrashTests(HarnessFixture fixture) : IClassFixture<HarnessFixture>
{
    private async Task<(StorageHarness First, StorageHarness Second)> TwoWorkersAsync()
    {
        var prefix = $"i{Guid.NewGuid():N}";
        return (await StorageHarness.CreateAsync(fixture.Database.ConnectionString, prefix),
                await StorageHarness.CreateAsync(fixture.Database.ConnectionString, prefix));
    }

    private static CallbackEvent[] Events(StorageHarness h, string id)
    {
        var at = h.Clock.GetUtcNow().AddMinutes(-10);
        return
        [
            h.Event(id, EventKind.Sent, "m1", at: at) with { Country = "IN" },
            h.Event(id, EventKind.Delivered, "m1", at: at.AddSeconds(7)),
            h.Event(id, EventKind.Sent, "m2", at: at) with { Country = "BR" },
            h.Event(id, EventKind.Failed, "m2", at: at.AddSeconds(1)) with { Code = "30007" },
            // Delivered before its sent event is counted: under unknown until the sent event moves it to US.
            h.Event(id, EventKind.Delivered, "m3", at: at.AddSeconds(3)),
            h.Event(id, EventKind.Sent, "m3", at: at) with { Country = "US" },
        ];
    }

    private static async Task<DayInsights> ServedAsync(StorageHarness h, string id)
    {
        var today = EventClock.DayIn(h.Clock.GetUtcNow(), TimeZoneInfo.Utc);
        var days = (await h.Get<StatsReader>().ReadWithInsightsAsync([id], today.AddDays(-1), today, CancellationToken.None))[id];
        return InsightFigures.Sum(days.Insights);
    }

    private static void AssertExact(DayInsights insights)
    {
        Assert.Equal(new Dictionary<string, long> { ["30007"] = 1 }, insights.Failures);
        Assert.Equal(new CountryCounts(1, 1, 0), insights.Countries["IN"]);
        Assert.Equal(new CountryCounts(1, 0, 1), insights.Countries["BR"]);
        Assert.Equal(new CountryCounts(1, 1, 0), insights.Countries["US"]);
        Assert.Equal(3, insights.Countries.Count);
        Assert.Equal(1, insights.Latency[LatencyBuckets.Of(7)]);
        Assert.Equal(1, insights.Latency[LatencyBuckets.Of(3)]);
        Assert.Equal(2, insights.Latency.Sum());
    }

    [Fact]
    public async Task AWorkerDyingBetweenCountAndAcknowledge_LeavesEveryTallyCountedOnce()
    {
        var (crashed, survivor) = await TwoWorkersAsync();
        await using var _ = crashed;
        await using var __ = survivor;
        var id = await crashed.CreateProviderAsync();
        var queue = crashed.Get<IEventQueue>();
        await queue.EnqueueAsync(Events(crashed, id), null, CancellationToken.None);

        var taken = await queue.ReceiveAsync(10, CancellationToken.None);
        await crashed.Get<CounterStore>().ApplyAsync(taken.SelectMany(d => d.Events!), CancellationToken.None);
        // The process dies here: counted, never acknowledged. The survivor takes the message over and applies it again.
        var reclaimed = await survivor.Get<IEventQueue>().ReceiveAsync(10, CancellationToken.None);
        Assert.Equal(new CountResult(0, 6, 0, 0), await survivor.Get<BatchProcessor>().ProcessAsync(reclaimed, CancellationToken.None));

        AssertExact(await ServedAsync(survivor, id));
        await survivor.Get<FlushService>().FlushAllAsync(CancellationToken.None);
        AssertExact(await ServedAsync(survivor, id));
        AssertExact(await RowsAsync(id));
    }

    [Fact]
    public async Task AFlusherDyingBetweenCutAndCommit_LeavesEveryTallyCountedOnce_AndReadsSeeItOnceMeanwhile()
    {
        var (crashed, survivor) = await TwoWorkersAsync();
        await using var _ = crashed;
        await using var __ = survivor;
        var id = await crashed.CreateProviderAsync();
        await crashed.Get<CounterStore>().ApplyAsync(Events(crashed, id), CancellationToken.None);

        var batch = (await crashed.Get<FlushStore>().CutAsync(id, CancellationToken.None))!;
        Assert.Equal(["30007"], batch.Insights.Values.SelectMany(d => d.Failures.Keys));
        // The process dies here: the batch is cut, not committed. Reads see it once, from Redis.
        AssertExact(await ServedAsync(survivor, id));

        await survivor.Get<FlushService>().FlushAllAsync(CancellationToken.None);
        Assert.Equal(FlushCommit.AlreadyApplied, await crashed.Get<FlushStore>().CommitAsync(batch, CancellationToken.None));
        AssertExact(await ServedAsync(survivor, id));
        AssertExact(await RowsAsync(id));
    }

    private async Task<DayInsights> RowsAsync(string id)
    {
        await using var db = NpgsqlDataSource.Create(fixture.Database.ConnectionString);
        var insights = new DayInsights();
        await using (var failures = db.CreateCommand("select code, failed from daily_failures where provider_id = $1"))
        {
            failures.Parameters.AddWithValue(id);
            await using var reader = await failures.ExecuteReaderAsync();
            while (await reader.ReadAsync()) insights.AddFailure(reader.GetString(0), reader.GetInt64(1));
        }
        await using (var countries = db.CreateCommand("select country, sent, delivered, failed from daily_countries where provider_id = $1"))
        {
            countries.Parameters.AddWithValue(id);
            await using var reader = await countries.ExecuteReaderAsync();
            while (await reader.ReadAsync()) insights.AddCountry(reader.GetString(0), new CountryCounts(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3)));
        }
        await using (var latency = db.CreateCommand("select bucket, messages from daily_latency where provider_id = $1"))
        {
            latency.Parameters.AddWithValue(id);
            await using var reader = await latency.ExecuteReaderAsync();
            while (await reader.ReadAsync()) insights.Latency[reader.GetInt16(0)] += reader.GetInt64(1);
        }
        return insights;
    }
}
