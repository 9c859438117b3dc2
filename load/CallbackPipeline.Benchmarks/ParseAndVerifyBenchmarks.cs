using System.Text;
using BenchmarkDotNet.Attributes;
using CallbackPipeline.Core.Forms;
using CallbackPipeline.Core.Generic;
using CallbackPipeline.Core.Infobip;
using CallbackPipeline.Core.Plivo;
using CallbackPipeline.Core.Telnyx;
using CallbackPipeline.Core.Twilio;
using CallbackPipeline.Core.Vonage;

namespace CallbackPipeline.Benchmarks;

/// <summary>What the receiver does per request of each kind: verify the signature (or token) and parse.</summary>
[MemoryDiagnoser]
public class ParseAndVerifyBenchmarks
{
    private const string TwilioToken = "3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c";
    private const string TwilioUrl = "https://sms-hooks.example.com/twilio/status?tenant=acme";
    private const string TwilioBody = "AccountSid=AC11111111111111111111111111111111&ApiVersion=2010-04-01&ErrorCode=30003&From=%2B15005550006&MessageSid=SM22222222222222222222222222222222&MessageStatus=undelivered&SmsSid=SM22222222222222222222222222222222&SmsStatus=undelivered&To=%2B14155550123&RawDlrDoneDate=2405141203";
    private const string PlivoBody = "From=14155550100&To=919812345678&MessageUUID=4b1a6f0e-1d2c-11ef-9f4b-0242ac110002&Status=delivered&Type=sms&Units=1&TotalRate=0.0035&TotalAmount=0.0035&MCC=404&MNC=45&ErrorCode=&Sequence=3&MessageTime=2024-05-14+12%3A03%3A11.120431&QueuedTime=2024-05-14+12%3A03%3A11.301212&SentTime=2024-05-14+12%3A03%3A12.004518&DeliveryReportTime=2024-05-14+12%3A03%3A19.771602";
    private const string VonageQuery = "msisdn=447700900123&to=AcmeInc&network-code=23410&messageId=0A0000001234567B&price=0.03330000&status=delivered&scts=2405141203&err-code=0&api-key=abcd1234&message-timestamp=2024-05-14+12%3A03%3A25&client-ref=camp-42%3Auser-9&timestamp=1715688205&nonce=6c4f1e2a-5d7b-4f0e-9a11-2c3d4e5f6a7b&sig=821266002b013571ca7bb2076cc968a4";
    private const string TelnyxBody = """{"data":{"event_type":"message.finalized","id":"7d3f1c2a-0000-4000-8000-00000000a001","occurred_at":"2024-05-14T12:03:25.000+00:00","payload":{"id":"40385f64-5717-4562-b3fc-2c963f66afa6","direction":"outbound","type":"SMS","from":{"phone_number":"+18445550001"},"to":[{"phone_number":"+14155550123","status":"delivered"}],"completed_at":"2024-05-14T12:03:25.000+00:00","errors":[],"tags":["camp-42"]},"record_type":"event"},"meta":{"attempt":1,"delivered_to":"https://sms-hooks.example.com/telnyx"}}""";

    private readonly byte[] genericOne = Encoding.UTF8.GetBytes("""[{"event":"delivered","data":[{"ts":1715688205,"meta":"919812345678.1234567890.1715688100.20240514.0.wzrk_default.-1.","description":"Delivered to handset"}]}]""");
    private readonly byte[] genericHundred = Encoding.UTF8.GetBytes("[{\"event\":\"delivered\",\"data\":[" + string.Join(",", Enumerable.Range(0, 100).Select(i => $"{{\"ts\":1715688205,\"meta\":\"919812345678.{i:D10}.1715688100.20240514.0.wzrk_default.-1.\",\"description\":\"Delivered to handset\"}}")) + "]}]");
    private readonly byte[] infobip = Encoding.UTF8.GetBytes("""{"results":[{"bulkId":"BULK-20240514-01","messageId":"ib-msg-0001","to":"41793026727","doneAt":"2024-05-14T12:03:19.000+0000","smsCount":1,"status":{"groupId":3,"groupName":"DELIVERED","id":5,"name":"DELIVERED_TO_HANDSET"}}]}""");
    private readonly byte[] telnyx = Encoding.UTF8.GetBytes(TelnyxBody);
    private readonly byte[] twilio = Encoding.UTF8.GetBytes(TwilioBody);
    private readonly byte[] plivo = Encoding.UTF8.GetBytes(PlivoBody);

    [Benchmark]
    public object Generic1() => GenericCallbackParser.Parse(genericOne);

    [Benchmark]
    public object Generic100() => GenericCallbackParser.Parse(genericHundred);

    [Benchmark]
    public object Twilio()
    {
        var fields = FormFields.Parse(twilio);
        return TwilioSignature.IsValid(TwilioToken, TwilioUrl, fields, "fWvK+muw2qVBiinEb3OR1X1ucik=") ? TwilioCallbackParser.Parse(fields) : null!;
    }

    [Benchmark]
    public object Vonage()
    {
        var fields = FormFields.Parse(VonageQuery);
        return VonageSignature.IsValid("s1gnatureS3cretForTests", "md5hash", fields) ? VonageCallbackParser.Parse(fields) : null!;
    }

    [Benchmark]
    public object Plivo()
    {
        var fields = FormFields.Parse(plivo);
        return PlivoSignature.IsValid("ZmFrZS1wbGl2by1hdXRoLXRva2VuLTAx", true, "https://sms-hooks.example.com/plivo/status", fields, "05429567804466091622", "J38Z/GAV7tJ24Q7VaAl3JUeO896GsSYUFlddFTLM0uw=")
            ? PlivoCallbackParser.Parse(fields) : null!;
    }

    [Benchmark]
    public object Infobip() => InfobipCallbackParser.Parse(infobip);

    [Benchmark]
    public object Telnyx() =>
        TelnyxSignature.Verify("A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=", "1715688205",
            "bWpJd/tcTHGavAmkjeY4nlLo150GptqfIlYW2kDvBuFsBhrSugl86EqFQtpYg2xI4G7lqOe2Zpj9UhADBvffCA==", telnyx, DateTimeOffset.FromUnixTimeSeconds(1715688205))
            == TelnyxSignature.Result.Valid ? TelnyxCallbackParser.Parse(telnyx) : null!;
}
