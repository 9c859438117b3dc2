using System.Text.Json;
using System.Text.Json.Serialization;
using CallbackPipeline.Core.Events;

namespace CallbackPipeline.Storage.Queue;

/// <summary>The body of one queue message: the events of one request, in a versioned, compact JSON shape.</summary>
public static class QueuePayload
{
    public static byte[] Write(IReadOnlyList<CallbackEvent> events)
    {
        var items = new QueuedEvent[events.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var e = events[i];
            items[i] = new QueuedEvent(e.ProviderId, (byte)e.Kind, e.MessageId, e.Distinct, e.EventTime, e.Day.DayNumber, e.Code, e.Description, e.Country);
        }
        return JsonSerializer.SerializeToUtf8Bytes(new QueuedMessage(1, items), QueuePayloadContext.Default.QueuedMessage);
    }

    /// <summary>The events, or null when the payload is not a message this version understands.</summary>
    public static IReadOnlyList<CallbackEvent>? TryRead(ReadOnlySpan<byte> payload)
    {
        QueuedMessage? message;
        try
        {
            message = JsonSerializer.Deserialize(payload, QueuePayloadContext.Default.QueuedMessage);
        }
        catch (JsonException)
        {
            return null;
        }
        if (message is not { V: 1, E: { } items }) return null;

        var events = new CallbackEvent[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var q = items[i];
            if (q.P is null || q.M is null || !Enum.IsDefined((EventKind)q.K) || q.D is < 0 or > 3_652_058) return null;
            events[i] = new CallbackEvent(q.P, (EventKind)q.K, q.M, q.X, q.T, DateOnly.FromDayNumber(q.D)) { Code = q.C, Description = q.E, Country = q.N };
        }
        return events;
    }
}

internal sealed record QueuedMessage(int V, QueuedEvent[]? E);

/// <summary>
/// One event: provider, kind, message id, distinct id, event time, day number; and, when it has them, its failure
/// code and description and its country (fields added without a version change: a reader that does not know them
/// ignores them, and a message written without them reads as having none).
/// </summary>
internal sealed record QueuedEvent(string? P, byte K, string? M, string? X, long T, int D, string? C = null, string? E = null, string? N = null);

[JsonSerializable(typeof(QueuedMessage))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class QueuePayloadContext : JsonSerializerContext;
