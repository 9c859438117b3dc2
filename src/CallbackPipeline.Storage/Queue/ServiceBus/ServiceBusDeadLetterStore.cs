using Azure.Messaging.ServiceBus;
using CallbackPipeline.Core.Events;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Storage.Queue.ServiceBus;

/// <summary>
/// The Service Bus queue's dead-letter subqueue, behind the same operator tools as the Redis dead-letter stream. A dead
/// letter's id is its sequence number. Service Bus cannot fetch one message by number, so a replay receives from the
/// subqueue until it meets the message, gives back (abandons) every other one it took, and completes the one it
/// replayed only after its events are queued again.
/// </summary>
public sealed class ServiceBusDeadLetterStore(ServiceBusClient client, IEventQueue queue, IOptions<ServiceBusQueueOptions> options)
    : IDeadLetterStore, IAsyncDisposable
{
    private const int ReplayScanLimit = 5_000;

    private readonly Lazy<ServiceBusReceiver> deadLetters = new(() => client.CreateReceiver(options.Value.QueueName,
        new ServiceBusReceiverOptions { SubQueue = SubQueue.DeadLetter, ReceiveMode = ServiceBusReceiveMode.PeekLock, PrefetchCount = 0 }));

    public async Task<IReadOnlyList<DeadLetter>> ListAsync(int count, CancellationToken cancellationToken)
    {
        try
        {
            var messages = await deadLetters.Value.PeekMessagesAsync(count, fromSequenceNumber: 0, cancellationToken);
            return messages.Select(ToDeadLetter).ToList();
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
            if (!long.TryParse(id, out var sequenceNumber)) return ReplayOutcome.NotFound;
            var taken = new List<ServiceBusReceivedMessage>();
            try
            {
                while (taken.Count < ReplayScanLimit)
                {
                    var batch = await deadLetters.Value.ReceiveMessagesAsync(100, TimeSpan.FromSeconds(1), cancellationToken);
                    if (batch.Count == 0) return ReplayOutcome.NotFound;
                    taken.AddRange(batch);
                    var found = batch.FirstOrDefault(m => m.SequenceNumber == sequenceNumber);
                    if (found is null) continue;
                    if (QueuePayload.TryRead(found.Body.ToMemory().Span) is not { } events) return ReplayOutcome.Unreadable;
                    if (!events.Any(countable)) return ReplayOutcome.TooLate;
                    await queue.EnqueueAsync(events, null, cancellationToken);
                    await deadLetters.Value.CompleteMessageAsync(found, cancellationToken);
                    taken.Remove(found);
                    return ReplayOutcome.Replayed;
                }
                return ReplayOutcome.NotFound;
            }
            finally
            {
                // Given back at once, not left locked: the next listing and replay see them again.
                await Task.WhenAll(taken.Select(m => deadLetters.Value.AbandonMessageAsync(m, cancellationToken: CancellationToken.None)));
            }
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    private static DeadLetter ToDeadLetter(ServiceBusReceivedMessage message)
    {
        var events = QueuePayload.TryRead(message.Body.ToMemory().Span);
        return new DeadLetter(
            message.SequenceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
            message.MessageId,
            message.DeadLetterReason ?? "",
            message.EnqueuedTime.ToString("O"),
            events?.Count,
            events?.Select(e => e.ProviderId).Distinct(StringComparer.Ordinal).ToList());
    }

    public async ValueTask DisposeAsync()
    {
        if (deadLetters.IsValueCreated) await deadLetters.Value.DisposeAsync();
    }
}
