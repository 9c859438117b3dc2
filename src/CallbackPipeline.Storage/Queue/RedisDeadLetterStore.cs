using CallbackPipeline.Storage.Redis;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Queue;

/// <summary>The Redis Streams transport's dead-letter stream.</summary>
public sealed class RedisDeadLetterStore(IConnectionMultiplexer redis, RedisKeys keys, IEventQueue queue) : IDeadLetterStore
{
    public async Task<IReadOnlyList<DeadLetter>> ListAsync(int count, CancellationToken cancellationToken)
    {
        try
        {
            var entries = await redis.GetDatabase().StreamRangeAsync(keys.DeadLetters, "-", "+", count);
            return entries.Select(ToDeadLetter).ToList();
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    public async Task<ReplayOutcome> ReplayAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var db = redis.GetDatabase();
            var found = await db.StreamRangeAsync(keys.DeadLetters, id, id, 1) ?? [];
            if (found.Length == 0) return ReplayOutcome.NotFound;
            var entry = found[0];
            var payload = entry[StreamFields.Payload];
            if (payload.IsNull || QueuePayload.TryRead((byte[])payload!) is not { } events) return ReplayOutcome.Unreadable;
            await queue.EnqueueAsync(events, null, cancellationToken);
            await db.StreamDeleteAsync(keys.DeadLetters, [id]);
            return ReplayOutcome.Replayed;
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    private static DeadLetter ToDeadLetter(StreamEntry entry)
    {
        var payload = entry[StreamFields.Payload];
        var events = payload.IsNull ? null : QueuePayload.TryRead((byte[])payload!);
        return new DeadLetter(entry.Id!, (string?)entry[StreamFields.EntryId], (string?)entry[StreamFields.Reason] ?? "", (string?)entry[StreamFields.At],
            events?.Count, events?.Select(e => e.ProviderId).Distinct(StringComparer.Ordinal).ToList());
    }
}
