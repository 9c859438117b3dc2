using System.Text.Json;
using CallbackPipeline.Core.Events;

namespace CallbackPipeline.Core.Generic;

/// <summary>
/// Parses CleverTap's Generic SMS callback (docs/providers.md): a JSON array of <c>{event, data[]}</c> groups.
/// Only <c>ts</c> and <c>meta</c> are required of a record: they are all counting needs, and rejecting a record
/// for a missing description would lose a count the provider will never resend.
/// </summary>
public static class GenericCallbackParser
{
    public const int MaxMessageIdLength = 256;

    public static ParsedCallback Parse(ReadOnlyMemory<byte> body)
    {
        using (var document = CallbackJson.Parse(body))
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                throw new CallbackFormatException("The body must be a JSON array of {\"event\", \"data\"} groups.");
            }

            var events = new List<ParsedEvent>();
            var unprocessed = new List<UnprocessedItem>();
            var index = 0;
            var ignored = 0;
            var groupNumber = 0;
            foreach (var group in root.EnumerateArray())
            {
                var (name, data) = ReadGroup(group, groupNumber++);
                var kind = KindOf(name);
                foreach (var record in data.EnumerateArray())
                {
                    if (kind is null)
                    {
                        ignored++;
                    }
                    else if (ReadRecord(record, kind.Value) is { } parsed)
                    {
                        events.Add(parsed);
                    }
                    else
                    {
                        unprocessed.Add(new UnprocessedItem(index, RecordError(record)));
                    }
                    index++;
                }
            }

            if (index == 0)
            {
                throw new CallbackFormatException("The body carries no records.");
            }
            return new ParsedCallback(events, unprocessed, index, ignored) { UnknownStatuses = ignored };
        }
    }

    private static (string Name, JsonElement Data) ReadGroup(JsonElement group, int number)
    {
        if (group.ValueKind != JsonValueKind.Object
            || !group.TryGetProperty("event", out var name) || name.ValueKind != JsonValueKind.String
            || !group.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw new CallbackFormatException($"Group {number} must be an object with a string \"event\" and an array \"data\".");
        }
        return (name.GetString()!, data);
    }

    private static EventKind? KindOf(string name) => name switch
    {
        "delivered" => EventKind.Delivered,
        "failed" => EventKind.Failed,
        "clicked" => EventKind.Clicked,
        "replied" => EventKind.Replied,
        _ => null,
    };

    private static ParsedEvent? ReadRecord(JsonElement record, EventKind kind)
    {
        if (record.ValueKind != JsonValueKind.Object || ReadMeta(record) is not { } meta || ReadTs(record) is not { } ts)
        {
            return null;
        }
        var distinct = kind switch
        {
            EventKind.Clicked => DistinctId.Of(ts, String(record, "url") ?? String(record, "shorturl") ?? String(record, "shortUrl")),
            EventKind.Replied => DistinctId.Of(ts, String(record, "incomingText")),
            _ => null,
        };
        return new ParsedEvent(kind, meta, distinct, DateTimeOffset.FromUnixTimeSeconds(ts))
        {
            Code = kind == EventKind.Failed ? CallbackJson.Text(record, "code") : null,
            Description = kind == EventKind.Failed ? String(record, "description") : null,
        };
    }

    private static string RecordError(JsonElement record) =>
        record.ValueKind != JsonValueKind.Object ? "record must be an object"
        : ReadMeta(record) is null ? $"meta is required: a non-empty string of at most {MaxMessageIdLength} characters"
        : "ts is required: Unix epoch seconds";

    private static string? ReadMeta(JsonElement record) =>
        String(record, "meta") is { Length: > 0 and <= MaxMessageIdLength } meta ? meta : null;

    private static long? ReadTs(JsonElement record)
    {
        if (!record.TryGetProperty("ts", out var ts)) return null;
        long value;
        var ok = ts.ValueKind switch
        {
            JsonValueKind.Number => ts.TryGetInt64(out value),
            JsonValueKind.String => long.TryParse(ts.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value),
            _ => (value = 0) != 0,
        };
        // Year 2000 to 9999: anything else is not an epoch in seconds (milliseconds would be 13 digits).
        return ok && value is >= 946_684_800 and <= 253_402_300_799 ? value : null;
    }

    private static string? String(JsonElement record, string name) =>
        record.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
