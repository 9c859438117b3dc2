using System.Globalization;
using System.Text.Json;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Forms;

namespace CallbackPipeline.Core.Vonage;

/// <summary>
/// Vonage SMS API delivery receipts and inbound SMS (docs/providers.md), as a GET query, a POST form or a POST JSON
/// object: all three become the same fields, which is also what <c>sig</c> covers.
/// </summary>
public static class VonageCallbackParser
{
    public static readonly StatusMap Statuses = StatusMap.Of(
        ("accepted", null), ("buffered", null), ("unknown", null), ("ACCEPTD", null),
        ("delivered", EventKind.Delivered), ("DELIVRD", EventKind.Delivered),
        ("expired", EventKind.Failed), ("failed", EventKind.Failed), ("rejected", EventKind.Failed),
        ("undelivered", EventKind.Failed), ("deleted", EventKind.Failed),
        ("UNDELIV", EventKind.Failed), ("REJECTD", EventKind.Failed));

    /// <summary>A JSON object's top-level members as fields (strings as they are, other values as their JSON text).</summary>
    public static FormFields FieldsFromJson(ReadOnlyMemory<byte> body)
    {
        using var document = CallbackJson.Parse(body);
        if (document.RootElement.ValueKind != JsonValueKind.Object) throw new CallbackFormatException("A Vonage JSON callback is an object.");
        return FormFields.From(document.RootElement.EnumerateObject().Select(p => new KeyValuePair<string, string>(
            p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText())).ToList());
    }

    public static ParsedCallback Parse(FormFields fields)
    {
        var messageId = fields["messageId"];
        if (string.IsNullOrEmpty(messageId) || messageId.Length > Generic.GenericCallbackParser.MaxMessageIdLength)
        {
            throw new CallbackFormatException("A Vonage callback carries messageId.");
        }
        var time = ParseTime(fields["message-timestamp"]);
        var builder = new ParsedCallbackBuilder();
        if (fields["status"] is { } status)
        {
            // On a delivery receipt msisdn is the number the message went to.
            builder.Add(Statuses[status], messageId, null, time, to: fields["msisdn"], code: fields["err-code"]);
        }
        else if (fields["text"] is not null || fields["type"] is not null)
        {
            builder.Add(StatusMeaning.Is(EventKind.Replied), messageId, messageId, time);
        }
        else
        {
            throw new CallbackFormatException("A Vonage callback is a delivery receipt (status) or an inbound message (text).");
        }
        return builder.Build();
    }

    /// <summary><c>message-timestamp</c>: <c>YYYY-MM-DD HH:MM:SS</c> in UTC.</summary>
    public static DateTimeOffset? ParseTime(string? text) =>
        DateTime.TryParseExact(text, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)
            ? new DateTimeOffset(time, TimeSpan.Zero)
            : null;
}
