using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Forms;

namespace CallbackPipeline.Core.Plivo;

/// <summary>Plivo message status callbacks and inbound messages (docs/providers.md), as a POST form or a GET query.</summary>
public static class PlivoCallbackParser
{
    public static readonly StatusMap Statuses = StatusMap.Of(
        ("queued", null),
        ("sent", EventKind.Sent),
        ("delivered", EventKind.Delivered), ("read", EventKind.Delivered),
        ("failed", EventKind.Failed), ("undelivered", EventKind.Failed), ("rejected", EventKind.Failed));

    public static ParsedCallback Parse(FormFields fields)
    {
        var uuid = fields["MessageUUID"];
        if (string.IsNullOrEmpty(uuid) || uuid.Length > Generic.GenericCallbackParser.MaxMessageIdLength)
        {
            throw new CallbackFormatException("A Plivo callback carries MessageUUID.");
        }
        var builder = new ParsedCallbackBuilder();
        if (fields["Status"] is { } status)
        {
            builder.Add(Statuses[status], uuid, null, time: null, to: fields["To"], code: fields["ErrorCode"]);
        }
        else if (fields["Text"] is not null || fields["Body"] is not null)
        {
            builder.Add(StatusMeaning.Is(EventKind.Replied), uuid, uuid, time: null);
        }
        else
        {
            throw new CallbackFormatException("A Plivo callback is a status callback (Status) or an inbound message (Text).");
        }
        return builder.Build();
    }
}
