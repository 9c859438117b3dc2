using System.Text.Json;
using CallbackPipeline.Core.Events;

namespace CallbackPipeline.Core.Telnyx;

/// <summary>
/// Telnyx <c>message.sent</c>, <c>message.finalized</c> and <c>message.received</c> (docs/providers.md). A finalized
/// message's outcome is its first recipient's status; the message id is <c>payload.id</c>, the time <c>occurred_at</c>.
/// </summary>
public static class TelnyxCallbackParser
{
    public static readonly StatusMap FinalStatuses = StatusMap.Of(
        ("queued", null), ("sending", null), ("delivery_unconfirmed", null),
        ("sent", EventKind.Sent),
        ("delivered", EventKind.Delivered),
        ("sending_failed", EventKind.Failed), ("delivery_failed", EventKind.Failed), ("failed", EventKind.Failed), ("expired", EventKind.Failed));

    public static ParsedCallback Parse(ReadOnlyMemory<byte> body)
    {
        using (var document = CallbackJson.Parse(body))
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object
                || String(data, "event_type") is not { } eventType
                || !data.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object
                || String(payload, "id") is not { Length: > 0 and <= Generic.GenericCallbackParser.MaxMessageIdLength } messageId)
            {
                throw new CallbackFormatException("A Telnyx webhook is {\"data\": {\"event_type\", \"payload\": {\"id\", ...}}}.");
            }
            var time = data.TryGetProperty("occurred_at", out var occurred) && occurred.ValueKind == JsonValueKind.String
                && occurred.TryGetDateTimeOffset(out var at) ? at : (DateTimeOffset?)null;

            var meaning = eventType switch
            {
                "message.sent" => StatusMeaning.Is(EventKind.Sent),
                "message.finalized" => FinalStatuses[FirstRecipientStatus(payload)],
                "message.received" => StatusMeaning.Is(EventKind.Replied),
                _ => StatusMeaning.Unknown,
            };
            var builder = new ParsedCallbackBuilder();
            var reply = meaning.Kind == EventKind.Replied;
            var error = FirstError(payload);
            builder.Add(meaning, messageId, reply ? messageId : null, time, to: reply ? null : FirstRecipient(payload, "phone_number"),
                code: error is { } e ? CallbackJson.Text(e, "code") : null, description: error is { } d ? String(d, "title") ?? String(d, "detail") : null);
            return builder.Build();
        }
    }

    private static string? FirstRecipientStatus(JsonElement payload) => FirstRecipient(payload, "status");

    private static string? FirstRecipient(JsonElement payload, string name) =>
        payload.TryGetProperty("to", out var to) && to.ValueKind == JsonValueKind.Array && to.GetArrayLength() > 0
        && to[0].ValueKind == JsonValueKind.Object ? String(to[0], name) : null;

    private static JsonElement? FirstError(JsonElement payload) =>
        payload.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0
        && errors[0].ValueKind == JsonValueKind.Object ? errors[0] : null;

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
