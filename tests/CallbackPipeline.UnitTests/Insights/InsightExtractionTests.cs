using System.Text;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Forms;
using CallbackPipeline.Core.Generic;
using CallbackPipeline.Core.Infobip;
using CallbackPipeline.Core.Plivo;
using CallbackPipeline.Core.Telnyx;
using CallbackPipeline.Core.Twilio;
using CallbackPipeline.Core.Vonage;

namespace CallbackPipeline.UnitTests.Insights;

/// <summary>Each kind's failure code, description and destination number, read from the field the kind carries them in.</summary>
public sealed class InsightExtractionTests
{
    private static ParsedEvent Single(ParsedCallback parsed) => Assert.Single(parsed.Events);

    [Fact]
    public void Generic_ReadsAFailuresCodeAndDescription_NumberOrString()
    {
        var parsed = GenericCallbackParser.Parse(Encoding.UTF8.GetBytes(
            """[{"event":"failed","data":[{"ts":1715688205,"meta":"m1","code":906,"description":"Blocked by DLT (header)"},{"ts":1715688205,"meta":"m2","code":"910"}]},{"event":"delivered","data":[{"ts":1715688205,"meta":"m3","code":"0"}]}]"""));
        Assert.Equal(("906", "Blocked by DLT (header)"), (parsed.Events[0].Code, parsed.Events[0].Description));
        Assert.Equal(("910", (string?)null), (parsed.Events[1].Code, parsed.Events[1].Description));
        Assert.Null(parsed.Events[2].Code);
    }

    [Fact]
    public void Twilio_ReadsErrorCodeAndTo_AndNoDestinationForAnInboundMessage()
    {
        var failed = Single(TwilioCallbackParser.Parse(FormFields.Parse("MessageSid=SM1&MessageStatus=undelivered&ErrorCode=30003&To=%2B14155550123&From=%2B15005550006")));
        Assert.Equal(("30003", "+14155550123"), (failed.Code, failed.To));
        var inbound = Single(TwilioCallbackParser.Parse(FormFields.Parse("MessageSid=SM2&SmsStatus=received&To=%2B15005550006&Body=hi")));
        Assert.Null(inbound.To);
    }

    [Fact]
    public void Vonage_ReadsErrCodeAndMsisdn()
    {
        var e = Single(VonageCallbackParser.Parse(FormFields.Parse("messageId=0A01&msisdn=447700900124&to=Acme&status=failed&err-code=6")));
        Assert.Equal(("6", "447700900124"), (e.Code, e.To));
    }

    [Fact]
    public void Plivo_ReadsErrorCodeAndTo()
    {
        var e = Single(PlivoCallbackParser.Parse(FormFields.Parse("MessageUUID=u1&Status=undelivered&ErrorCode=200&To=919812345678")));
        Assert.Equal(("200", "919812345678"), (e.Code, e.To));
    }

    [Fact]
    public void Infobip_ReadsTheErrorsIdAndDescription_AndTo()
    {
        var e = Single(InfobipCallbackParser.Parse(Encoding.UTF8.GetBytes(
            """{"results":[{"messageId":"ib1","to":"41793026727","status":{"groupName":"UNDELIVERABLE"},"error":{"id":1,"name":"EC_UNKNOWN_SUBSCRIBER","description":"Unknown Subscriber"}}]}""")));
        Assert.Equal(("1", "Unknown Subscriber", "41793026727"), (e.Code, e.Description, e.To));
    }

    [Fact]
    public void Telnyx_ReadsTheFirstErrorsCodeAndTitle_AndTheFirstRecipient()
    {
        var e = Single(TelnyxCallbackParser.Parse(Encoding.UTF8.GetBytes(
            """{"data":{"event_type":"message.finalized","occurred_at":"2024-05-14T12:03:25Z","payload":{"id":"t1","to":[{"phone_number":"+14155550123","status":"delivery_failed"}],"errors":[{"code":"40008","title":"Undeliverable"}]}}}""")));
        Assert.Equal(("40008", "Undeliverable", "+14155550123"), (e.Code, e.Description, e.To));
    }
}
