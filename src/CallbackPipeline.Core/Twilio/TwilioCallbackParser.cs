using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Forms;

namespace CallbackPipeline.Core.Twilio;

/// <summary>Twilio status callbacks and inbound messages (docs/providers.md).</summary>
public static class TwilioCallbackParser
{
    public static readonly StatusMap Statuses = StatusMap.Of(
        ("accepted", null), ("scheduled", null), ("queued", null), ("sending", null), ("receiving", null), ("canceled", null),
        ("sent", EventKind.Sent),
        ("delivered", EventKind.Delivered), ("read", EventKind.Delivered), ("partially_delivered", EventKind.Delivered),
        ("undelivered", EventKind.Failed), ("failed", EventKind.Failed),
        ("received", EventKind.Replied));

    public static ParsedCallback Parse(FormFields fields)
    {
        var sid = fields["MessageSid"] ?? fields["SmsSid"];
        var status = fields["MessageStatus"] ?? fields["SmsStatus"];
        if (string.IsNullOrEmpty(sid) || sid.Length > Generic.GenericCallbackParser.MaxMessageIdLength)
        {
            throw new CallbackFormatException("A Twilio callback carries MessageSid.");
        }
        if (string.IsNullOrEmpty(status)) throw new CallbackFormatException("A Twilio callback carries MessageStatus or SmsStatus.");

        var meaning = Statuses[status];
        var builder = new ParsedCallbackBuilder();
        // An inbound message is a reply, identified by its own MessageSid; its To is the account's own number.
        var reply = meaning.Kind == EventKind.Replied;
        builder.Add(meaning, sid, reply ? sid : null, time: null, to: reply ? null : fields["To"], code: fields["ErrorCode"], description: fields["ErrorMessage"]);
        return builder.Build();
    }
}
