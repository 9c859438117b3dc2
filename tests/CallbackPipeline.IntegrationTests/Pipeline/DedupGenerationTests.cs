using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Insights;
using CallbackPipeline.Core.Stats;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Redis;
using CallbackPipeline.Storage.Stats;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>
/// The compact dedup records (count.lua): two generations per window (the default), buckets sized from the
/// generation before. Each test runs its own clock, set just before a generation boundary.
/// </summary>
public sealed class DedupGenerationTests(HarnessFixture fixture) : IClassFixture<HarnessFixture>
{
    private static readonly TimeSpan Window = TimeSpan.FromDays(7);

    /// <summary>Two generations per window (the default), each half of the window plus two hours.</summary>
    private static readonly long Length = (long)CounterStore.GenerationLength(new CountingOptions()).TotalSeconds;

    /// <summary>An hour before generation <paramref name="generation"/> + 1 starts.</summary>
    private static DateTimeOffset BeforeBoundary(long generation) => DateTimeOffset.FromUnixTimeSeconds(((generation + 1) * Length) - 3600);

    /// <summary>A harness whose clock stands an hour before the next generation, with a provider.</summary>
    private async Task<(StorageHarness H, string Id, long Generation)> BeforeBoundaryAsync()
    {
        var generation = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / Length;
        var h = await StorageHarness.CreateAsync(fixture.Database.ConnectionString, fixture.KeyPrefix, now: BeforeBoundary(generation));
        return (h, await h.CreateProviderAsync(), generation);
    }

    [Fact]
    public async Task AnEventTimedAheadOfTheWorker_IsStillFound_UntilItsTimePlusTheWindow()
    {
        var (h, id, _) = await BeforeBoundaryAsync();
        await using var _ = h;
        var counters = h.Get<CounterStore>();
        // As far ahead as the receiver lets an event time be, applied a minute before a generation ends.
        h.Clock.Advance(TimeSpan.FromMinutes(59));
        var delivered = h.Event(id, EventKind.Delivered, "m1", at: h.Clock.GetUtcNow() + EventClock.FutureTolerance);
        await counters.ApplyAsync([delivered], CancellationToken.None);

        h.Clock.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(delivered.EventTime) + Window - TimeSpan.FromSeconds(1));
        Assert.Equal(new CountResult(0, 1, 0, 0), await counters.ApplyAsync([delivered], CancellationToken.None));
    }

    [Fact]
    public async Task AWindowThatTheGenerationsDoNotDivide_StillFindsARetryAtItsLastSecond()
    {
        // The last second of the present generation (not a fixed date: keys expire by Redis's own clock).
        var length = (long)CounterStore.GenerationLength(new CountingOptions { DedupWindow = TimeSpan.FromDays(1.5), DedupGenerations = 7 }).TotalSeconds;
        var start = DateTimeOffset.FromUnixTimeSeconds((((DateTimeOffset.UtcNow.ToUnixTimeSeconds() / length) + 1) * length) - 1);
        await using var h = await StorageHarness.CreateAsync(fixture.Database.ConnectionString, fixture.KeyPrefix,
            new Dictionary<string, string?> { ["Counting:DedupWindow"] = "1.12:00:00", ["Counting:DedupGenerations"] = "7" }, start);
        var id = await h.CreateProviderAsync();
        var counters = h.Get<CounterStore>();
        var delivered = h.Event(id, EventKind.Delivered, "m1");
        await counters.ApplyAsync([delivered], CancellationToken.None);

        h.Clock.SetUtcNow(start + TimeSpan.FromDays(1.5));
        Assert.Equal(new CountResult(0, 1, 0, 0), await counters.ApplyAsync([delivered], CancellationToken.None));
    }

    [Fact]
    public async Task AWorkerWhoseClockIsBehind_FindsWhatAWorkerAheadAddedToTheNextGeneration()
    {
        var (ahead, id, generation) = await BeforeBoundaryAsync();
        await using var _ = ahead;
        var boundary = DateTimeOffset.FromUnixTimeSeconds((generation + 1) * Length);
        await using var behind = await StorageHarness.CreateAsync(fixture.Database.ConnectionString, fixture.KeyPrefix, now: boundary - TimeSpan.FromSeconds(5));
        ahead.Clock.SetUtcNow(boundary + TimeSpan.FromSeconds(5));
        var delivered = ahead.Event(id, EventKind.Delivered, "m1", at: boundary - TimeSpan.FromSeconds(30));

        await ahead.Get<CounterStore>().ApplyAsync([delivered], CancellationToken.None);
        Assert.Equal(new CountResult(0, 1, 0, 0), await behind.Get<CounterStore>().ApplyAsync([delivered], CancellationToken.None));
    }

    [Fact]
    public async Task RetriesAcrossAGenerationBoundary_AreDuplicates_AndTheNewGenerationIsSizedFromTheLast()
    {
        var (h, id, generation) = await BeforeBoundaryAsync();
        await using var _ = h;
        var counters = h.Get<CounterStore>();
        var sentAt = h.Clock.GetUtcNow();
        var sent = Enumerable.Range(0, 1000).Select(i => h.Event(id, EventKind.Sent, $"m{i}", at: sentAt)).ToList();
        Assert.Equal(new CountResult(1000, 0, 0, 0), await counters.ApplyAsync(sent, CancellationToken.None));

        h.Clock.Advance(TimeSpan.FromHours(2));
        var retried = await counters.ApplyAsync(
            [.. sent, h.Event(id, EventKind.Sent, "m-new", at: sentAt), h.Event(id, EventKind.Delivered, "m0")], CancellationToken.None);

        Assert.Equal(new CountResult(2, 1000, 0, 0), retried);
        var provider = h.Get<RedisKeys>().Provider(id);
        var db = h.Get<IConnectionMultiplexer>().GetDatabase();
        // 1,000 records at about 64 a bucket: 16 buckets.
        Assert.Equal(4, (int)await db.HashGetAsync($"{provider.Prefix}h:{generation + 1}", "bits"));
        Assert.Equal(2, (int)await db.HashGetAsync($"{provider.Prefix}h:{generation + 1}", "n"));
        var day = EventClock.DayIn(sentAt, TimeZoneInfo.Utc);
        var nextDay = EventClock.DayIn(h.Clock.GetUtcNow(), TimeZoneInfo.Utc);
        Assert.Equal(new DailyCounts(Sent: 1001, Delivered: 1, 0, 0, 0, 0), await h.ServedAsync(id, day, nextDay));
        var recounted = (await h.Get<Recounter>().RecountAsync(id, TimeZoneInfo.Utc, CancellationToken.None)).Days;
        Assert.Equal(1001, recounted[day].Sent);
        Assert.Equal(1, recounted[nextDay].Delivered);
    }

    [Fact]
    public async Task AClickRetriedInTheNextGeneration_CountsOnce_AndANewClickOfTheMessageIsNotANewClickedMessage()
    {
        var (h, id, generation) = await BeforeBoundaryAsync();
        await using var _ = h;
        var counters = h.Get<CounterStore>();
        var clickedAt = h.Clock.GetUtcNow();
        await counters.ApplyAsync([h.Event(id, EventKind.Clicked, "m1", "click-a", at: clickedAt)], CancellationToken.None);

        h.Clock.Advance(TimeSpan.FromHours(2));
        await counters.ApplyAsync(
            [h.Event(id, EventKind.Clicked, "m1", "click-a", at: clickedAt), h.Event(id, EventKind.Clicked, "m1", "click-b", at: clickedAt)],
            CancellationToken.None);

        var day = EventClock.DayIn(clickedAt, TimeZoneInfo.Utc);
        var counts = await h.ServedAsync(id, day, day);
        Assert.Equal(2, counts.Clicks);
        Assert.Equal(1, counts.Clicked);
        Assert.Equal(counts, (await h.Get<Recounter>().RecountAsync(id, TimeZoneInfo.Utc, CancellationToken.None)).Days[day]);
    }

    [Fact]
    public async Task ARetryJustInsideTheWindow_TwoGenerationsLater_IsStillADuplicate()
    {
        var (h, id, generation) = await BeforeBoundaryAsync();
        await using var _ = h;
        var counters = h.Get<CounterStore>();
        var deliveredAt = h.Clock.GetUtcNow();
        var delivered = h.Event(id, EventKind.Delivered, "m1", at: deliveredAt);
        await counters.ApplyAsync([delivered], CancellationToken.None);

        h.Clock.Advance(Window - TimeSpan.FromMinutes(1));
        Assert.Equal(generation + 2, h.Clock.GetUtcNow().ToUnixTimeSeconds() / Length);
        Assert.Equal(new CountResult(0, 1, 0, 0), await counters.ApplyAsync([delivered], CancellationToken.None));
        h.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(new CountResult(0, 0, 1, 0), await counters.ApplyAsync([delivered], CancellationToken.None));
        var day = EventClock.DayIn(deliveredAt, TimeZoneInfo.Utc);
        Assert.Equal(1, (await h.ServedAsync(id, day, day)).Delivered);
    }

    [Fact]
    public async Task ADeliveryCountedUnderUnknownInOneGeneration_IsMovedByItsSentEventInTheNext_AndItsRecordRewrittenThere()
    {
        var (h, id, generation) = await BeforeBoundaryAsync();
        await using var _ = h;
        var counters = h.Get<CounterStore>();
        var sentAt = h.Clock.GetUtcNow().AddMinutes(-5);
        await counters.ApplyAsync([h.Event(id, EventKind.Delivered, "m1", at: sentAt.AddSeconds(30))], CancellationToken.None);

        h.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(generation + 1, h.Clock.GetUtcNow().ToUnixTimeSeconds() / Length);
        Assert.Equal(new CountResult(1, 0, 0, 0),
            await counters.ApplyAsync([h.Event(id, EventKind.Sent, "m1", at: sentAt) with { Country = "IN" }], CancellationToken.None));

        var day = EventClock.DayIn(sentAt, TimeZoneInfo.Utc);
        var read = (await h.Get<StatsReader>().ReadWithInsightsAsync([id], day.AddDays(-1), day.AddDays(1), CancellationToken.None))[id];
        var insights = InsightFigures.Sum(read.Insights);
        Assert.Equal(new Dictionary<string, CountryCounts> { ["IN"] = new(1, 1, 0) }, insights.Countries);
        Assert.Equal(1, insights.Latency[LatencyBuckets.Of(30)]);
        // The delivered record, in the generation before, now says it counts as a plain delivery.
        var redis = h.Get<IConnectionMultiplexer>();
        var earlier = await redis.GetServers().Single().KeysAsync(pattern: $"{h.Get<RedisKeys>().Provider(id).DedupBucketPrefix}{generation}:*").ToListAsync();
        var value = (long)(await redis.GetDatabase().HashValuesAsync(Assert.Single(earlier))).Single();
        Assert.Equal(1, value % 8);
    }

    [Fact]
    public async Task Buckets_StaySmallListpacks_AndExpireAnHourAfterTheWindowOfTheirGenerationEnds()
    {
        var (h, id, generation) = await BeforeBoundaryAsync();
        await using var _ = h;
        await h.Get<CounterStore>().ApplyAsync(
            Enumerable.Range(0, 5000).Select(i => h.Event(id, EventKind.Delivered, $"m{i}")), CancellationToken.None);

        var redis = h.Get<IConnectionMultiplexer>();
        var server = redis.GetServers().Single();
        var buckets = await server.KeysAsync(pattern: h.Get<RedisKeys>().Provider(id).DedupBuckets).ToListAsync();
        // A first generation has 2^8 buckets (Counting:DedupFirstBucketBits).
        Assert.InRange(buckets.Count, 250, 256);
        var db = redis.GetDatabase();
        var expiry = DateTimeOffset.FromUnixTimeSeconds(((generation + 3) * Length) + 3600).UtcDateTime;
        var fields = 0L;
        foreach (var bucket in buckets)
        {
            Assert.Equal("listpack", (string?)await db.ExecuteAsync("OBJECT", "ENCODING", bucket));
            Assert.Equal(expiry, await db.KeyExpireTimeAsync(bucket));
            fields += await db.HashLengthAsync(bucket);
        }
        Assert.Equal(5000, fields);
    }
}
