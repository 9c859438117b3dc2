using CallbackPipeline.Core.Events;

namespace CallbackPipeline.Storage.Queue;

/// <summary>Dead-lettered messages, for operators: what is there and why, and putting a message back on the queue.</summary>
public interface IDeadLetterStore
{
    Task<IReadOnlyList<DeadLetter>> ListAsync(int count, CancellationToken cancellationToken);

    /// <summary>
    /// Queues the message's events again and removes it from the dead letters, unless none of them is
    /// <paramref name="countable"/> (then it stays: <see cref="ReplayOutcome.TooLate"/>). Replaying twice counts nothing twice.
    /// </summary>
    Task<ReplayOutcome> ReplayAsync(string id, Func<CallbackEvent, bool> countable, CancellationToken cancellationToken);
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

    /// <summary>Every event is older than the dedup window: queued again it would count nothing, so the letter stays.</summary>
    TooLate,
}
