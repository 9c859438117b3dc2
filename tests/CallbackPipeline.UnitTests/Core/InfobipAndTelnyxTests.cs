using System.Text;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Infobip;
using CallbackPipeline.Core.Telnyx;

namespace CallbackPipeline.UnitTests.Core;

public sealed class InfobipTests
{
    private const string I1 = """
        {"results":[
         {"bulkId":"BULK-20240514-01","messageId":"ib-msg-0001","to":"41793026727","from":"ACME","sentAt":"2024-05-14T12:03:11.000+0000","doneAt":"2024-05-14T12:03:19.000+0000","smsCount":1,"status":{"groupId":3,"groupName":"DELIVERED","id":5,"name":"DELIVERED_TO_HANDSET"},"error":{"groupId":0,"groupName":"OK","id":0,"name":"NO_ERROR","permanent":false}},
         {"bulkId":"BULK-20240514-01","messageId":"ib-msg-0002","to":"41793026728","doneAt":"2024-05-16T12:03:11.000+0000","status":{"groupId":4,"groupName":"EXPIRED","id":15,"name":"EXPIRED_EXPIRED"}},
         {"bulkId":"BULK-20240514-01","messageId":"ib-msg-0003","to":"41793026729","doneAt":"2024-05-14T12:03:12.000+0000","smsCount":2,"status":{"groupId":5,"groupName":"REJECTED","id":6,"name":"REJECTED_NETWORK"}}]}
        """;

    private static ParsedCallback Parse(string json) => InfobipCallbackParser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void ParsesABatch_WithDoneAtAsTheTime()
    {
        var parsed = Parse(I1);
        Assert.Equal(
        [
            new ParsedEvent(EventKind.Delivered, "ib-msg-0001", null, new DateTimeOffset(2024, 5, 14, 12, 3, 19, TimeSpan.Zero)) { To = "41793026727" },
            new ParsedEvent(EventKind.Failed, "ib-msg-0002", null, new DateTimeOffset(2024, 5, 16, 12, 3, 11, TimeSpan.Zero)) { To = "41793026728" },
            new ParsedEvent(EventKind.Failed, "ib-msg-0003", null, new DateTimeOffset(2024, 5, 14, 12, 3, 12, TimeSpan.Zero)) { To = "41793026729" },
        ], parsed.Events);
    }

    [Fact]
    public void ReadsANegativeOffset()
    {
        var parsed = Parse("""{"results":[{"messageId":"ib-msg-0004","doneAt":"2024-05-14T09:05:02.000-0300","status":{"groupId":2,"groupName":"UNDELIVERABLE"}}]}""");
        Assert.Equal(new DateTimeOffset(2024, 5, 14, 12, 5, 2, TimeSpan.Zero), parsed.Events.Single().Time);
        Assert.Equal(EventKind.Failed, parsed.Events.Single().Kind);
    }

    [Theory]
    [InlineData("\"groupName\":\"PENDING\"", null)]
    [InlineData("\"groupName\":\"DELIVERED\"", EventKind.Delivered)]
    [InlineData("\"groupName\":\"UNDELIVERABLE\"", EventKind.Failed)]
    [InlineData("\"groupName\":\"EXPIRED\"", EventKind.Failed)]
    [InlineData("\"groupName\":\"REJECTED\"", EventKind.Failed)]
    [InlineData("\"groupId\":3", EventKind.Delivered)]
    [InlineData("\"groupId\":1", null)]
    public void MapsEveryStatusGroup(string group, EventKind? kind)
    {
        var parsed = Parse($$$"""{"results":[{"messageId":"m","status":{{{{group}}}}}]}""");
        Assert.Equal(kind, parsed.Events.SingleOrDefault()?.Kind);
        Assert.Equal(0, parsed.UnknownStatuses);
    }

    [Fact]
    public void AnUnknownGroup_IsAcceptedAndCountedAsNothing() =>
        Assert.Equal(1, Parse("""{"results":[{"messageId":"m","status":{"groupName":"TELEPORTED"}}]}""").UnknownStatuses);

    [Fact]
    public void ListsResultsWithoutMessageId()
    {
        var parsed = Parse("""{"results":[{"messageId":"ok","status":{"groupId":3}},{"status":{"groupId":3}},{"messageId":"x"}]}""");
        Assert.Single(parsed.Events);
        Assert.Equal([1, 2], parsed.Unprocessed.Select(u => u.Index));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"results":{}}""")]
    [InlineData("""{"results":[]}""")]
    [InlineData("{")]
    public void RejectsWhatIsNotTheFormat(string json) => Assert.Throws<CallbackFormatException>(() => Parse(json));
}

public sealed class TelnyxTests
{
    private const string PublicKey = "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=";
    private const string X1 = """{"data":{"event_type":"message.finalized","id":"7d3f1c2a-0000-4000-8000-00000000a001","occurred_at":"2024-05-14T12:03:25.000+00:00","payload":{"id":"40385f64-5717-4562-b3fc-2c963f66afa6","direction":"outbound","type":"SMS","from":{"phone_number":"+18445550001"},"to":[{"phone_number":"+14155550123","status":"delivered"}],"completed_at":"2024-05-14T12:03:25.000+00:00","errors":[],"tags":["camp-42"]},"record_type":"event"},"meta":{"attempt":1,"delivered_to":"https://sms-hooks.example.com/telnyx"}}""";
    private const string X1Signature = "bWpJd/tcTHGavAmkjeY4nlLo150GptqfIlYW2kDvBuFsBhrSugl86EqFQtpYg2xI4G7lqOe2Zpj9UhADBvffCA==";
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1715688205);

    [Fact]
    public void VerifiesTheVector() =>
        Assert.Equal(TelnyxSignature.Result.Valid, TelnyxSignature.Verify(PublicKey, "1715688205", X1Signature, Encoding.UTF8.GetBytes(X1), SignedAt.AddMinutes(4)));

    [Fact]
    public void RejectsATamperedBody() => Assert.Equal(TelnyxSignature.Result.Mismatch,
        TelnyxSignature.Verify(PublicKey, "1715688205", X1Signature, Encoding.UTF8.GetBytes(X1.Replace("\"attempt\":1", "\"attempt\":2", StringComparison.Ordinal)), SignedAt));

    [Fact]
    public void RejectsAnotherTimestamp() =>
        Assert.Equal(TelnyxSignature.Result.Mismatch, TelnyxSignature.Verify(PublicKey, "1715688206", X1Signature, Encoding.UTF8.GetBytes(X1), SignedAt));

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void RejectsATimestampOutsideFiveMinutes(int offset) => Assert.Equal(TelnyxSignature.Result.BadTimestamp,
        TelnyxSignature.Verify(PublicKey, "1715688205", X1Signature, Encoding.UTF8.GetBytes(X1), SignedAt.AddSeconds(offset)));

    [Theory]
    [InlineData(null, X1Signature)]
    [InlineData("1715688205", null)]
    public void RejectsMissingHeaders(string? timestamp, string? signature) =>
        Assert.Equal(TelnyxSignature.Result.Missing, TelnyxSignature.Verify(PublicKey, timestamp, signature, Encoding.UTF8.GetBytes(X1), SignedAt));

    [Fact]
    public void ParsesAFinalizedDelivery()
    {
        var e = TelnyxCallbackParser.Parse(Encoding.UTF8.GetBytes(X1)).Events.Single();
        Assert.Equal(new ParsedEvent(EventKind.Delivered, "40385f64-5717-4562-b3fc-2c963f66afa6", null, new DateTimeOffset(2024, 5, 14, 12, 3, 25, TimeSpan.Zero)) { To = "+14155550123" }, e);
    }

    [Theory]
    [InlineData("message.sent", "sent", EventKind.Sent)]
    [InlineData("message.finalized", "delivered", EventKind.Delivered)]
    [InlineData("message.finalized", "sent", EventKind.Sent)]
    [InlineData("message.finalized", "sending_failed", EventKind.Failed)]
    [InlineData("message.finalized", "delivery_failed", EventKind.Failed)]
    [InlineData("message.finalized", "failed", EventKind.Failed)]
    [InlineData("message.finalized", "expired", EventKind.Failed)]
    [InlineData("message.finalized", "delivery_unconfirmed", null)]
    [InlineData("message.finalized", "queued", null)]
    [InlineData("message.finalized", "sending", null)]
    [InlineData("message.received", "webhook_delivered", EventKind.Replied)]
    public void MapsEveryEventAndStatus(string eventType, string status, EventKind? kind)
    {
        var body = $$$$"""{"data":{"event_type":"{{{{eventType}}}}","occurred_at":"2026-11-27T10:00:00.000+00:00","payload":{"id":"msg-1","to":[{"status":"{{{{status}}}}"}]}}}""";
        var parsed = TelnyxCallbackParser.Parse(Encoding.UTF8.GetBytes(body));
        Assert.Equal(kind, parsed.Events.SingleOrDefault()?.Kind);
        Assert.Equal(0, parsed.UnknownStatuses);
    }

    [Fact]
    public void AnUnknownEventType_IsAcceptedAndCountedAsNothing() =>
        Assert.Equal(1, TelnyxCallbackParser.Parse(Encoding.UTF8.GetBytes("""{"data":{"event_type":"message.teleported","payload":{"id":"m"}}}""")).UnknownStatuses);

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"data":{"event_type":"message.sent"}}""")]
    [InlineData("""{"data":{"event_type":"message.sent","payload":{}}}""")]
    [InlineData("[1]")]
    public void RejectsWhatIsNotTheFormat(string json) => Assert.Throws<CallbackFormatException>(() => TelnyxCallbackParser.Parse(Encoding.UTF8.GetBytes(json)));
}
