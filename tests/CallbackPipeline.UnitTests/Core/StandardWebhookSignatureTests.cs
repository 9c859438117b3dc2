using System.Text;
using CallbackPipeline.Core.Generic;

namespace CallbackPipeline.UnitTests.Core;

public sealed class StandardWebhookSignatureTests
{
    // The Standard Webhooks specification's published test vector.
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const string Timestamp = "1614265330";
    private const string Expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"test": 2432232314}""");
    private static readonly DateTimeOffset SignedAt = DateTimeOffset.FromUnixTimeSeconds(1614265330);

    [Fact]
    public void Signs_ThePublishedVector() => Assert.Equal(Expected, StandardWebhookSignature.Signature(Secret, Id, Timestamp, Body));

    [Theory]
    [InlineData(Expected)]
    [InlineData("v1,bm9wZQ== " + Expected)]
    [InlineData("v2,abc " + Expected)]
    public void Accepts_AnyMatchingV1Signature(string header) =>
        Assert.Equal(StandardWebhookSignature.Result.Valid, StandardWebhookSignature.Verify(Secret, Id, Timestamp, header, Body, SignedAt.AddMinutes(4)));

    [Fact]
    public void AcceptsTheSecret_WithoutItsPrefix() =>
        Assert.Equal(StandardWebhookSignature.Result.Valid, StandardWebhookSignature.Verify(Secret[6..], Id, Timestamp, Expected, Body, SignedAt));

    [Fact]
    public void Rejects_ATamperedBody() =>
        Assert.Equal(StandardWebhookSignature.Result.Mismatch,
            StandardWebhookSignature.Verify(Secret, Id, Timestamp, Expected, Encoding.UTF8.GetBytes("""{"test": 2432232315}"""), SignedAt));

    [Fact]
    public void Rejects_AnotherMessageId() =>
        Assert.Equal(StandardWebhookSignature.Result.Mismatch, StandardWebhookSignature.Verify(Secret, "msg_other", Timestamp, Expected, Body, SignedAt));

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    public void Rejects_ATimestampOutsideFiveMinutes(int offsetSeconds) =>
        Assert.Equal(StandardWebhookSignature.Result.BadTimestamp,
            StandardWebhookSignature.Verify(Secret, Id, Timestamp, Expected, Body, SignedAt.AddSeconds(offsetSeconds)));

    [Theory]
    [InlineData(null, Timestamp, Expected)]
    [InlineData(Id, null, Expected)]
    [InlineData(Id, Timestamp, null)]
    public void Rejects_MissingHeaders(string? id, string? timestamp, string? signature) =>
        Assert.Equal(StandardWebhookSignature.Result.MissingHeaders, StandardWebhookSignature.Verify(Secret, id, timestamp, signature, Body, SignedAt));

    [Theory]
    [InlineData("v1,not base64!")]
    [InlineData("garbage")]
    [InlineData("v1,")]
    public void Rejects_MalformedSignatures(string header) =>
        Assert.Equal(StandardWebhookSignature.Result.Mismatch, StandardWebhookSignature.Verify(Secret, Id, Timestamp, header, Body, SignedAt));
}
