using CallbackPipeline.Core.Events;
using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Queue;

/// <summary>
/// The Redis Streams transport: one stream, one consumer group. A message is acknowledged and deleted only after
/// its events are applied; messages left pending by a consumer that died are taken over with XAUTOCLAIM once they
/// have been idle for <see cref="QueueOptions.ClaimIdle"/>.
/// </summary>
public sealed class RedisStreamQueue : IEventQueue, IAsyncDisposable, IDisposable
{
    public const string Group = "workers";

    private readonly string consumer = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}";
    private readonly IConnectionMultiplexer redis;
    private readonly RedisKeys keys;
    private readonly QueueOptions settings;
    private readonly QueueDepth depth;
    private readonly RedisEviction eviction;
    private readonly ReplicatedWrites writes;
    private readonly Lazy<EnqueueCoalescer> coalescer;
    private RedisValue claimCursor = "0-0";
    private bool groupReady;

    public RedisStreamQueue(
        IConnectionMultiplexer redis, RedisKeys keys, IOptions<QueueOptions> options, QueueDepth depth, RedisEviction eviction, ReplicatedWrites writes)
    {
        (this.redis, this.keys, this.depth, this.eviction, this.writes) = (redis, keys, depth, eviction, writes);
        settings = options.Value;
        coalescer = new(() => new EnqueueCoalescer(AddGroupAsync, settings.EnqueueConcurrency, settings.MaxEventsPerEntry, settings.MaxWaitingEnqueues));
    }

    private IDatabase Db => redis.GetDatabase();

    /// <summary>
    /// Group commit: requests that arrive while an <c>XADD</c> is in flight go out together as one stream entry, and
    /// each is answered when that entry is acknowledged (durable: AOF with <c>appendfsync always</c>, and on
    /// <see cref="RedisOptions.WaitForReplicas"/> replicas when set). A request's
    /// events are never split over entries, so it is queued whole or not at all.
    /// </summary>
    public Task EnqueueAsync(IReadOnlyList<CallbackEvent> events, string? traceParent, CancellationToken cancellationToken)
    {
        if (depth.Current >= settings.MaxDepth)
        {
            throw new QueueUnavailableException("The queue is over its depth limit.");
        }
        if (eviction.Reason is { } reason)
        {
            // An entry Redis may delete before it is counted is not safe, so it is not answered 2xx.
            throw new QueueUnavailableException(reason);
        }
        return coalescer.Value.EnqueueAsync(events, traceParent);
    }

    // The coalescer stops a group at MaxEventsPerEntry events, so a group is one entry (larger only by its last request).
    private async Task AddGroupAsync(IReadOnlyList<PendingEnqueue> group)
    {
        var events = group.Count == 1 ? group[0].Events : group.SelectMany(r => r.Events).ToList();
        var trace = PendingEnqueue.FirstTraceParent(group);
        NameValueEntry[] fields = trace is null
            ? [new(StreamFields.Payload, QueuePayload.Write(events))]
            : [new(StreamFields.Payload, QueuePayload.Write(events)), new(StreamFields.TraceParent, trace)];
        try
        {
            await writes.Database.StreamAddAsync(keys.Stream, fields);
            await writes.ConfirmAsync([keys.Stream]);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new QueueUnavailableException("The queue cannot be reached.", e);
        }
        catch (StorageUnavailableException e)
        {
            // Queued, but on the primary alone: answered 503, so the provider retries and the retry counts nothing twice.
            throw new QueueUnavailableException(e.Message, e);
        }
        foreach (var request in group) request.Complete();
    }

    /// <summary>Lets the enqueues in flight finish.</summary>
    public async ValueTask DisposeAsync()
    {
        if (coalescer.IsValueCreated) await coalescer.Value.DisposeAsync();
    }

    public void Dispose()
    {
        if (coalescer.IsValueCreated) coalescer.Value.Dispose();
    }

    public async Task<IReadOnlyList<QueueDelivery>> ReceiveAsync(int max, CancellationToken cancellationToken)
    {
        await EnsureGroupAsync();
        var deliveries = new List<QueueDelivery>(max);
        await ClaimAbandonedAsync(deliveries, max);
        if (deliveries.Count < max)
        {
            var entries = await Db.StreamReadGroupAsync(keys.Stream, Group, consumer, StreamPosition.NewMessages, max - deliveries.Count);
            deliveries.AddRange(entries.Select(e => ToDelivery(e, deliveryCount: 1)));
        }
        return deliveries;
    }

    public async Task CompleteAsync(IReadOnlyList<QueueDelivery> deliveries, CancellationToken cancellationToken)
    {
        if (deliveries.Count == 0) return;
        var args = new RedisValue[deliveries.Count + 1];
        args[0] = Group;
        for (var i = 0; i < deliveries.Count; i++) args[i + 1] = deliveries[i].Id;
        await Db.ScriptEvaluateAsync(LuaScripts.AckAndDelete, [keys.Stream], args);
    }

    public async Task DeadLetterAsync(QueueDelivery delivery, string reason, CancellationToken cancellationToken)
    {
        await Db.StreamAddAsync(keys.DeadLetters,
        [
            new(StreamFields.EntryId, delivery.Id),
            new(StreamFields.Payload, delivery.Payload),
            new(StreamFields.Reason, reason),
            new(StreamFields.At, DateTimeOffset.UtcNow.ToString("O")),
        ]);
        await CompleteAsync([delivery], cancellationToken);
    }

    public async Task<long> DepthAsync(CancellationToken cancellationToken) => await Db.StreamLengthAsync(keys.Stream);

    public async Task<QueueStats> StatsAsync(CancellationToken cancellationToken)
    {
        var db = Db;
        var depth = db.StreamLengthAsync(keys.Stream);
        var oldest = db.StreamRangeAsync(keys.Stream, "-", "+", count: 1);
        var dead = db.StreamLengthAsync(keys.DeadLetters);
        await Task.WhenAll(depth, oldest, dead);
        // Applied entries are deleted, so the first entry left is the oldest one not yet applied; its id starts with its time.
        var first = await oldest ?? [];
        var age = first.Length > 0 && long.TryParse(((string?)first[0].Id)?.Split('-')[0], out var ms)
            ? DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : TimeSpan.Zero;
        return new QueueStats(await depth, age < TimeSpan.Zero ? TimeSpan.Zero : age, await dead);
    }

    private async Task EnsureGroupAsync()
    {
        if (groupReady) return;
        try
        {
            await Db.StreamCreateConsumerGroupAsync(keys.Stream, Group, "0-0", createStream: true);
        }
        catch (RedisServerException e) when (e.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // Another consumer created it first.
        }
        groupReady = true;
    }

    private async Task ClaimAbandonedAsync(List<QueueDelivery> deliveries, int max)
    {
        var claimed = await Db.StreamAutoClaimAsync(
            keys.Stream, Group, consumer, (long)settings.ClaimIdle.TotalMilliseconds, claimCursor, max);
        claimCursor = claimed.NextStartId;
        if (claimed.ClaimedEntries.Length == 0) return;

        var counts = (await Db.StreamPendingMessagesAsync(
                keys.Stream, Group, claimed.ClaimedEntries.Length, consumer,
                claimed.ClaimedEntries[0].Id, claimed.ClaimedEntries[^1].Id))
            .ToDictionary(p => p.MessageId, p => (long)p.DeliveryCount);
        deliveries.AddRange(claimed.ClaimedEntries
            .Where(e => !e.IsNull)
            .Select(e => ToDelivery(e, counts.GetValueOrDefault(e.Id, 2))));
    }

    private static QueueDelivery ToDelivery(StreamEntry entry, long deliveryCount)
    {
        var payload = entry[StreamFields.Payload];
        var bytes = payload.IsNull ? ReadOnlyMemory<byte>.Empty : (ReadOnlyMemory<byte>)(byte[])payload!;
        var trace = entry[StreamFields.TraceParent];
        return new QueueDelivery(entry.Id!, QueuePayload.TryRead(bytes.Span), trace.IsNull ? null : (string?)trace, deliveryCount, bytes);
    }
}
