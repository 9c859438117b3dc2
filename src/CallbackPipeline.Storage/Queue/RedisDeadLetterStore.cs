using System.Text.RegularExpressions;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Storage.Redis;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Queue;

/// <summary>The Redis Streams transport's dead-letter stream.</summary>
public sealed partial class RedisDeadLetterStore(IConnectionMultiplexer redis, RedisKeys keys, IEventQueue queue) : IDeadLetterStore
{
    [GeneratedRegex("^[0-9]{1,20}-[0-9]{1,20}$")]
    private static partial Regex EntryId();

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

    public async Task<ReplayOutcome> ReplayAsync(string id, Func<CallbackEvent, bool> countable, CancellationToken cancellationToken)
    {
        try
        {
            // A whole entry id: anything else is no entry (and not a stream id Redis would refuse, or a part of one).
            if (!EntryId().IsMatch(id)) return ReplayOutcome.NotFound;
            var db = redis.GetDatabase();
            var found = await db.StreamRangeAsync(keys.DeadLetters, id, id, 1) ?? [];
            if (found.Length == 0) return ReplayOutcome.NotFound;
            var entry = found[0];
            var payload = entry[StreamFields.Payload];
            if (payload.IsNull || QueuePayload.TryRead((byte[])payload!) is not { } events) return ReplayOutcome.Unreadable;
            if (!events.Any(countable)) return ReplayOutcome.TooLate;
            await queue.EnqueueAsync(events, null, cancellationToken);
            await db.StreamDeleteAsync(keys.DeadLetters, [entry.Id]);
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
