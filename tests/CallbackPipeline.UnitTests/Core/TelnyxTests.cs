using System.Text;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Telnyx;

namespace CallbackPipeline.UnitTests.Core;

public sealed class TelnyxTests
{
    private const string PublicKey = "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=";
    private const string X1 = """{"data":{"event_type":"message.finalized","id":"7d3f1c2a-0000-4000-8000-00000000a001","occurred_at":"2024-05-14T12:03:25.000+00:00","payload":{"id":"40385f64-5717-4562-b3fc-2c963f66afa6","direction":"outbound","type":"SMS","from":{"phone_number":"+18445550001"},"to":[{"phone_number":"+14155550123","status":"delivered"}],"completed_at":"2024-05-14T12:03:25.000+00:00","errors":[],"tags":["camp-42"]},"record_type":"event"},"meta":{"attempt":1,"delivered_to":"https://sms-hooks.example.com/telnyx"}}""";
    private const string X2 = """{"data":{"record_type":"event","id":"7d3f1c2a-0000-4000-8000-00000000a000","event_type":"message.sent","occurred_at":"2024-05-14T12:03:12.000+00:00","payload":{"id":"40385f64-5717-4562-b3fc-2c963f66afa6","direction":"outbound","type":"SMS","to":[{"phone_number":"+14155550123","status":"sent"}],"parts":1,"tags":["camp-42"]}},"meta":{"attempt":1,"delivered_to":"https://sms-hooks.example.com/telnyx"}}""";
    private const string X3 = """{"data":{"record_type":"event","id":"7d3f1c2a-0000-4000-8000-00000000a002","event_type":"message.finalized","occurred_at":"2024-05-14T12:06:00.000+00:00","payload":{"id":"51496075-0000-4000-8000-000000000002","direction":"outbound","type":"SMS","to":[{"phone_number":"+14155550124","status":"delivery_failed"}],"errors":[{"code":"40300","title":"Blocked as spam"}],"completed_at":"2024-05-14T12:06:00.000+00:00"}},"meta":{"attempt":2,"delivered_to":"https://sms-hooks.example.com/telnyx"}}""";
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

    [Fact]
    public void ParsesASentMessage()
    {
        var e = TelnyxCallbackParser.Parse(Encoding.UTF8.GetBytes(X2)).Events.Single();
        Assert.Equal(new ParsedEvent(EventKind.Sent, "40385f64-5717-4562-b3fc-2c963f66afa6", null, new DateTimeOffset(2024, 5, 14, 12, 3, 12, TimeSpan.Zero)) { To = "+14155550123" }, e);
    }

    [Fact]
    public void ParsesAFailure_WithItsFirstErrorAsTheCode()
    {
        var e = TelnyxCallbackParser.Parse(Encoding.UTF8.GetBytes(X3)).Events.Single();
        Assert.Equal(new ParsedEvent(EventKind.Failed, "51496075-0000-4000-8000-000000000002", null, new DateTimeOffset(2024, 5, 14, 12, 6, 0, TimeSpan.Zero))
        {
            To = "+14155550124", Code = "40300", Description = "Blocked as spam",
        }, e);
    }

    [Fact]
    public void AnErrorCodeWrittenAsANumber_IsTheSameCode()
    {
        var body = X3.Replace("\"code\":\"40300\"", "\"code\":40300", StringComparison.Ordinal);
        Assert.Contains("\"code\":40300,", body, StringComparison.Ordinal);
        Assert.Equal("40300", TelnyxCallbackParser.Parse(Encoding.UTF8.GetBytes(body)).Events.Single().Code);
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
