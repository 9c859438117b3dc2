using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Stats;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Worker;

namespace CallbackPipeline.IntegrationTests.Pipeline;

public sealed class CountingTests(HarnessFixture fixture) : IClassFixture<HarnessFixture>
{
    private StorageHarness H => fixture.Harness;

    private DateOnly Today => EventClock.DayIn(H.Clock.GetUtcNow(), TimeZoneInfo.Utc);

    [Fact]
    public async Task CountsEachMessageOncePerKind_WhateverRepeatsAndOrder()
    {
        var id = await H.CreateProviderAsync();
        var counters = H.Get<CounterStore>();
        // Delivered arrives before sent; every event is repeated, in one batch and across batches.
        var first = await counters.ApplyAsync(
        [
            H.Event(id, EventKind.Delivered, "m1"), H.Event(id, EventKind.Delivered, "m1"),
            H.Event(id, EventKind.Sent, "m1"), H.Event(id, EventKind.Sent, "m2"),
            H.Event(id, EventKind.Failed, "m3"),
        ], CancellationToken.None);
        var second = await counters.ApplyAsync(
        [
            H.Event(id, EventKind.Sent, "m1"), H.Event(id, EventKind.Delivered, "m1"), H.Event(id, EventKind.Failed, "m3"),
            H.Event(id, EventKind.Failed, "m2"),
        ], CancellationToken.None);

        Assert.Equal(new CountResult(4, 1, 0, 0), first);
        Assert.Equal(new CountResult(1, 3, 0, 0), second);
        Assert.Equal(new DailyCounts(Sent: 2, Delivered: 1, Failed: 2, 0, 0, 0), await H.ServedAsync(id, Today, Today));
    }

    [Fact]
    public async Task EveryDistinctClickCounts_ButClickedCountsMessages()
    {
        var id = await H.CreateProviderAsync();
        await H.Get<CounterStore>().ApplyAsync(
        [
            H.Event(id, EventKind.Clicked, "m1", "click-a"), H.Event(id, EventKind.Clicked, "m1", "click-a"),
            H.Event(id, EventKind.Clicked, "m1", "click-b"), H.Event(id, EventKind.Clicked, "m2", "click-a"),
            H.Event(id, EventKind.Replied, "m1", "reply-a"), H.Event(id, EventKind.Replied, "m1", "reply-a"),
            H.Event(id, EventKind.Replied, "m1", "reply-b"),
        ], CancellationToken.None);

        var counts = await H.ServedAsync(id, Today, Today);
        Assert.Equal(3, counts.Clicks);
        Assert.Equal(2, counts.Clicked);
        Assert.Equal(2, counts.Replies);
    }

    [Fact]
    public async Task EventsOlderThanTheDedupWindow_CountNothing()
    {
        var id = await H.CreateProviderAsync();
        var old = H.Clock.GetUtcNow() - TimeSpan.FromDays(8);
        var result = await H.Get<CounterStore>().ApplyAsync([H.Event(id, EventKind.Delivered, "m-old", at: old)], CancellationToken.None);

        Assert.Equal(new CountResult(0, 0, 1, 0), result);
        var day = EventClock.DayIn(old, TimeZoneInfo.Utc);
        Assert.Equal(default, await H.ServedAsync(id, day, day));
    }

    [Fact]
    public async Task EventsOfADeletedProvider_CountNothing()
    {
        var id = await H.CreateProviderAsync();
        await H.Get<ProviderDataCleaner>().ForgetAsync(id, CancellationToken.None);
        var result = await H.Get<CounterStore>().ApplyAsync([H.Event(id, EventKind.Sent, "m1")], CancellationToken.None);

        Assert.Equal(new CountResult(0, 0, 0, 1), result);
        Assert.Equal(default, await H.ServedAsync(id, Today, Today));
    }

    [Fact]
    public async Task ALateEventForAFlushedDay_AddsToThatDay()
    {
        var id = await H.CreateProviderAsync();
        var twoDaysAgo = H.Clock.GetUtcNow() - TimeSpan.FromDays(2);
        var day = EventClock.DayIn(twoDaysAgo, TimeZoneInfo.Utc);
        var counters = H.Get<CounterStore>();
        var flusher = H.Get<FlushService>();

        await counters.ApplyAsync([H.Event(id, EventKind.Sent, "m1", at: twoDaysAgo), H.Event(id, EventKind.Sent, "m2", at: twoDaysAgo)], CancellationToken.None);
        await flusher.FlushAllAsync(CancellationToken.None);
        await counters.ApplyAsync([H.Event(id, EventKind.Delivered, "m1", at: twoDaysAgo), H.Event(id, EventKind.Sent, "m3", at: twoDaysAgo)], CancellationToken.None);
        await flusher.FlushAllAsync(CancellationToken.None);

        var rows = await PipelineSteps.RowsAsync(fixture.Database.ConnectionString, id);
        Assert.Equal(new DailyCounts(3, 1, 0, 0, 0, 0), rows[day]);
        Assert.Single(rows);
        Assert.Equal(new DailyCounts(3, 1, 0, 0, 0, 0), await H.ServedAsync(id, day, day));
    }
}
