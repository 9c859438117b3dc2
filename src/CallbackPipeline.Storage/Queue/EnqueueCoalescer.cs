using System.Diagnostics;
using System.Threading.Channels;
using CallbackPipeline.Core.Events;

namespace CallbackPipeline.Storage.Queue;

/// <summary>
/// Group commit for enqueues: requests that arrive while a send is in flight wait together and go out in the next
/// send. Under light load every request is sent on its own at once; under heavy load groups grow by themselves, so a
/// transport that is priced and throttled per operation (Service Bus) does one operation for many requests.
/// Memory is bounded: when <c>capacity</c> requests are already waiting, an enqueue fails at once.
/// </summary>
public sealed class EnqueueCoalescer : IAsyncDisposable, IDisposable
{
    private readonly Channel<PendingEnqueue> pending;
    private readonly Func<IReadOnlyList<PendingEnqueue>, Task> send;
    private readonly int maxEventsPerGroup;
    private readonly Task[] senders;

    /// <param name="send">
    /// Sends one group and completes or fails each of its requests; a request it leaves open is failed after it returns,
    /// and when it throws every open request fails with that exception.
    /// </param>
    /// <param name="concurrency">Sends in flight at once.</param>
    /// <param name="maxEventsPerGroup">A group stops growing at this many events (a single larger request still goes alone).</param>
    /// <param name="capacity">Requests that may wait for a send.</param>
    public EnqueueCoalescer(Func<IReadOnlyList<PendingEnqueue>, Task> send, int concurrency, int maxEventsPerGroup, int capacity)
    {
        this.send = send;
        this.maxEventsPerGroup = maxEventsPerGroup;
        pending = Channel.CreateBounded<PendingEnqueue>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait });
        // The loops outlive the request that happens to create them, so they take nothing from it: not its span, which
        // every later send would otherwise join.
        using (ExecutionContext.SuppressFlow())
        {
            senders = Enumerable.Range(0, concurrency).Select(_ => Task.Run(SendLoopAsync)).ToArray();
        }
    }

    /// <summary>Completes when the group holding these events has been sent; fails when it could not be.</summary>
    /// <exception cref="QueueUnavailableException">Too many requests are already waiting, or the send failed.</exception>
    public Task EnqueueAsync(IReadOnlyList<CallbackEvent> events, string? traceParent)
    {
        var request = new PendingEnqueue(events, traceParent);
        if (!pending.Writer.TryWrite(request))
        {
            throw new QueueUnavailableException("Too many enqueues are waiting for the queue.");
        }
        return request.Task;
    }

    /// <summary>Takes no more requests and waits for the sends in flight.</summary>
    public async ValueTask DisposeAsync()
    {
        pending.Writer.TryComplete();
        await Task.WhenAll(senders);
    }

    /// <summary>Takes no more requests; the sends in flight finish on their own.</summary>
    public void Dispose() => pending.Writer.TryComplete();

    private async Task SendLoopAsync()
    {
        var reader = pending.Reader;
        var group = new List<PendingEnqueue>();
        while (await reader.WaitToReadAsync())
        {
            group.Clear();
            var events = 0;
            while (events < maxEventsPerGroup && reader.TryRead(out var request))
            {
                group.Add(request);
                events += request.Events.Count;
            }
            if (group.Count == 0) continue;
            // The send's own calls (an XADD, a Service Bus send) are in the trace of the group's first request.
            Activity.Current = group[0].Activity;
            try
            {
                await send(group);
                // A send normally completes every request, so the exception is made only for one it left open.
                foreach (var request in group)
                {
                    if (!request.Task.IsCompleted) request.Fail(new QueueUnavailableException("The send did not include this request."));
                }
            }
            catch (Exception e)
            {
                var failure = e as QueueUnavailableException ?? new QueueUnavailableException("The queue cannot be reached.", e);
                foreach (var request in group) request.Fail(failure);
            }
            finally
            {
                Activity.Current = null;
            }
        }
    }
}
