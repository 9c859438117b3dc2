using CallbackPipeline.Core.Events;
using CallbackPipeline.Storage.Queue;

namespace CallbackPipeline.UnitTests.Storage.ServiceBus;

public sealed class EnqueueCoalescerTests
{
    private static CallbackEvent[] Events(int count, string prefix = "m") =>
        Enumerable.Range(0, count).Select(i => new CallbackEvent("p1", EventKind.Delivered, $"{prefix}{i}", null, 1_700_000_000, new DateOnly(2026, 11, 27))).ToArray();

    [Fact]
    public async Task Requests_arriving_during_a_send_go_out_together_in_the_next_one()
    {
        var groups = new List<int>();
        var firstSendStarted = new TaskCompletionSource();
        var releaseFirstSend = new TaskCompletionSource();
        await using var coalescer = new EnqueueCoalescer(async group =>
        {
            lock (groups) groups.Add(group.Count);
            if (groups.Count == 1)
            {
                firstSendStarted.SetResult();
                await releaseFirstSend.Task;
            }
            foreach (var request in group) request.Complete();
        }, concurrency: 1, maxEventsPerGroup: 1000, capacity: 100);

        var first = coalescer.EnqueueAsync(Events(1), null);
        await firstSendStarted.Task;
        var waiting = Enumerable.Range(0, 10).Select(i => coalescer.EnqueueAsync(Events(2, $"r{i}-"), null)).ToList();
        releaseFirstSend.SetResult();
        await Task.WhenAll(waiting.Append(first));

        Assert.Equal([1, 10], groups);
    }

    [Fact]
    public async Task A_group_stops_growing_at_the_event_limit()
    {
        var groups = new List<int>();
        var gate = new TaskCompletionSource();
        await using var coalescer = new EnqueueCoalescer(async group =>
        {
            await gate.Task;
            lock (groups) groups.Add(group.Sum(r => r.Events.Count));
            foreach (var request in group) request.Complete();
        }, concurrency: 1, maxEventsPerGroup: 10, capacity: 100);

        var all = Enumerable.Range(0, 9).Select(i => coalescer.EnqueueAsync(Events(3, $"r{i}-"), null)).ToList();
        gate.SetResult();
        await Task.WhenAll(all);

        Assert.Equal(27, groups.Sum());
        Assert.All(groups, size => Assert.InRange(size, 3, 12));
    }

    [Fact]
    public async Task A_failed_send_fails_every_request_of_its_group_as_queue_unavailable()
    {
        await using var coalescer = new EnqueueCoalescer(_ => throw new TimeoutException("broker slow"), 1, 100, 100);

        var failure = await Assert.ThrowsAsync<QueueUnavailableException>(() => coalescer.EnqueueAsync(Events(1), null));

        Assert.IsType<TimeoutException>(failure.InnerException);
    }

    [Fact]
    public async Task A_request_the_send_left_open_fails_rather_than_hanging()
    {
        await using var coalescer = new EnqueueCoalescer(_ => Task.CompletedTask, 1, 100, 100);

        await Assert.ThrowsAsync<QueueUnavailableException>(() => coalescer.EnqueueAsync(Events(1), null));
    }

    [Fact]
    public async Task When_capacity_requests_wait_the_next_fails_at_once_and_nothing_of_it_is_sent()
    {
        var sent = new List<PendingEnqueue>();
        var started = new TaskCompletionSource();
        var gate = new TaskCompletionSource();
        await using var coalescer = new EnqueueCoalescer(async group =>
        {
            started.TrySetResult();
            await gate.Task;
            lock (sent) sent.AddRange(group);
            foreach (var request in group) request.Complete();
        }, concurrency: 1, maxEventsPerGroup: 1, capacity: 2);

        var inFlight = coalescer.EnqueueAsync(Events(1, "a"), null);
        await started.Task;
        var queued = new[] { coalescer.EnqueueAsync(Events(1, "b"), null), coalescer.EnqueueAsync(Events(1, "c"), null) };

        Assert.Throws<QueueUnavailableException>(() => { _ = coalescer.EnqueueAsync(Events(1, "d"), null); });
        gate.SetResult();
        await Task.WhenAll(queued.Append(inFlight));
        Assert.Equal(["a0", "b0", "c0"], sent.Select(r => r.Events[0].MessageId).Order());
    }
}
