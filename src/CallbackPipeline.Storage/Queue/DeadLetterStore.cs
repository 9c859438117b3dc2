using CallbackPipeline.Storage.Redis;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Queue;

/// <summary>Dead-lettered messages, for operators: what is there and why, and putting a message back on the queue.</summary>
public interface IDeadLetterStore
{
    Task<IReadOnlyList<DeadLetter>> ListAsync(int count, CancellationToken cancellationToken);

    /// <summary>Queues the message's events again and removes it from the dead letters. Replaying twice counts nothing twice.</summary>
    Task<ReplayOutcome> ReplayAsync(string id, CancellationToken cancellationToken);
}

/// <summary>The Redis Streams transport's dead-letter stream.</summary>
public sealed class DeadLetterStore(IConnectionMultiplexer redis, RedisKeys keys, IEventQueue queue) : IDeadLetterStore
{
    public async Task<IReadOnlyList<DeadLetter>> ListAsync(int count, CancellationToken cancellationToken)
    {
        var entries = await redis.GetDatabase().StreamRangeAsync(keys.DeadLetters, "-", "+", count);
        return entries.Select(ToDeadLetter).ToList();
    }

    public async Task<ReplayOutcome> ReplayAsync(string id, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var found = await db.StreamRangeAsync(keys.DeadLetters, id, id, 1) ?? [];
        if (found.Length == 0) return ReplayOutcome.NotFound;
        var entry = found[0];
        var payload = entry["d"];
        if (payload.IsNull || QueuePayload.TryRead((byte[])payload!) is not { } events) return ReplayOutcome.Unreadable;
        await queue.EnqueueAsync(events, null, cancellationToken);
        await db.StreamDeleteAsync(keys.DeadLetters, [id]);
        return ReplayOutcome.Replayed;
    }

    private static DeadLetter ToDeadLetter(StreamEntry entry)
    {
        var payload = entry["d"];
        var events = payload.IsNull ? null : QueuePayload.TryRead((byte[])payload!);
        return new DeadLetter(entry.Id!, (string?)entry["id"], (string?)entry["reason"] ?? "", (string?)entry["at"],
            events?.Count, events?.Select(e => e.ProviderId).Distinct(StringComparer.Ordinal).ToList());
    }
}

/// <param name="Id">The dead-letter entry's id (what replay takes).</param>
/// <param name="MessageId">The queue message it was.</param>
/// <param name="Reason">Why it was set aside.</param>
/// <param name="At">When.</param>
/// <param name="Events">How many events it carries, or null when its payload is unreadable.</param>
/// <param name="Providers">The providers of those events.</param>
public sealed record DeadLetter(string Id, string? MessageId, string Reason, string? At, int? Events, IReadOnlyList<string>? Providers);

public enum ReplayOutcome
{
    Replayed,
    NotFound,
    Unreadable,
}
