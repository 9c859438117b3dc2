using CallbackPipeline.Core.Events;

namespace CallbackPipeline.Storage.Queue.ServiceBus;

/// <summary>One Service Bus message about to be sent: the events of one or more requests, in the queue payload format.</summary>
/// <param name="Body">The payload (<see cref="QueuePayload"/>), what the worker reads whatever the transport.</param>
/// <param name="EventCount">How many events it carries.</param>
/// <param name="TraceParent">The first request's trace context; the apply span continues it.</param>
/// <param name="Requests">The requests with events in it.</param>
public sealed record PackedMessage(byte[] Body, int EventCount, string? TraceParent, IReadOnlyList<PendingEnqueue> Requests);

/// <summary>
/// Packs coalesced requests into as few messages as the limits allow. A request stays in one message when it fits;
/// one larger than a message is split over several, all of which must be sent before it counts as queued.
/// </summary>
public static class MessagePacker
{
    public static IReadOnlyList<PackedMessage> Pack(IReadOnlyList<PendingEnqueue> group, int maxEvents, int maxBytes)
    {
        var messages = new List<PackedMessage>();
        var events = new List<CallbackEvent>();
        var requests = new List<PendingEnqueue>();

        foreach (var request in group)
        {
            if (events.Count > 0 && events.Count + request.Events.Count > maxEvents) Close();
            var remaining = request.Events;
            while (remaining.Count > maxEvents)
            {
                events.AddRange(remaining.Take(maxEvents));
                requests.Add(request);
                Close();
                remaining = remaining.Skip(maxEvents).ToList();
            }
            events.AddRange(remaining);
            requests.Add(request);
        }
        Close();
        return messages;

        void Close()
        {
            if (events.Count == 0) return;
            AddWithinBytes(events.ToList(), requests.ToList(), messages, maxBytes);
            events.Clear();
            requests.Clear();
        }
    }

    // Halves an over-large message until every part fits; a part remembers every request it may hold events of.
    private static void AddWithinBytes(List<CallbackEvent> events, List<PendingEnqueue> requests, List<PackedMessage> messages, int maxBytes)
    {
        var body = QueuePayload.Write(events);
        if (body.Length <= maxBytes || events.Count == 1)
        {
            messages.Add(new PackedMessage(body, events.Count, PendingEnqueue.FirstTraceParent(requests), requests));
            return;
        }
        var half = events.Count / 2;
        AddWithinBytes(events[..half], OwnersOf(events[..half], requests), messages, maxBytes);
        AddWithinBytes(events[half..], OwnersOf(events[half..], requests), messages, maxBytes);
    }

    private static List<PendingEnqueue> OwnersOf(List<CallbackEvent> part, List<PendingEnqueue> requests)
    {
        var set = part.ToHashSet(ReferenceEqualityComparer.Instance);
        return requests.Where(r => r.Events.Any(set.Contains)).ToList();
    }
}
