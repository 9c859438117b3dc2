using System.Text;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Forms;
using CallbackPipeline.Core.Vonage;

namespace CallbackPipeline.UnitTests.Core;

public sealed class VonageTests
{
    private const string Secret = "s1gnatureS3cretForTests";
    private const string V2 = "msisdn=447700900123&to=AcmeInc&network-code=23410&messageId=0A0000001234567B&price=0.03330000&status=delivered&scts=2405141203&err-code=0&api-key=abcd1234&message-timestamp=2024-05-14+12%3A03%3A25&client-ref=camp-42%3Auser-9&timestamp=1715688205&nonce=6c4f1e2a-5d7b-4f0e-9a11-2c3d4e5f6a7b";

    [Fact]
    public void ReproducesVonagesOwnSdkVector() =>
        Assert.Equal("6af838ef94998832dbfc29020b564830",
            Convert.ToHexStringLower(VonageSignature.Compute("secret", "md5hash", FormFields.Parse("a=1&b=2&timestamp=1461605396"))));

    [Theory]
    [InlineData("md5hash", "821266002b013571ca7bb2076cc968a4")]
    [InlineData("md5hash", "821266002B013571CA7BB2076CC968A4")]
    [InlineData("sha256", "B6A173AFD67BF566CE8B895466072862938281F506BAF4B673B1A282D8061E2F")]
    [InlineData("sha256", "b6a173afd67bf566ce8b895466072862938281f506baf4b673b1a282d8061e2f")]
    public void VerifiesTheSignedReceipt_InEitherCase(string method, string sig) =>
        Assert.True(VonageSignature.IsValid(Secret, method, FormFields.Parse($"{V2}&sig={sig}")));

    [Theory]
    [InlineData("md5")]
    [InlineData("sha1")]
    [InlineData("sha512")]
    public void VerifiesEveryHmacVariant(string method)
    {
        var sig = Convert.ToHexString(VonageSignature.Compute(Secret, method, FormFields.Parse(V2)));
        Assert.True(VonageSignature.IsValid(Secret, method, FormFields.Parse($"{V2}&sig={sig}")));
        Assert.False(VonageSignature.IsValid(Secret, "md5hash", FormFields.Parse($"{V2}&sig={sig}")));
    }

    [Fact]
    public void RejectsATamperedReceipt() =>
        Assert.False(VonageSignature.IsValid(Secret, "md5hash", FormFields.Parse($"{V2.Replace("status=delivered", "status=expired", StringComparison.Ordinal)}&sig=821266002b013571ca7bb2076cc968a4")));

    [Fact]
    public void RejectsAMissingSig() => Assert.False(VonageSignature.IsValid(Secret, "md5hash", FormFields.Parse(V2)));

    [Fact]
    public void JsonQueryAndFormCarryTheSameFields()
    {
        var json = """{"msisdn":"447700900124","to":"AcmeInc","messageId":"0A0000001234567C","status":"expired","err-code":"1","message-timestamp":"2024-05-17 12:03:40"}""";
        var fromJson = VonageCallbackParser.Parse(VonageCallbackParser.FieldsFromJson(Encoding.UTF8.GetBytes(json)));
        var fromForm = VonageCallbackParser.Parse(FormFields.Parse("msisdn=447700900124&to=AcmeInc&messageId=0A0000001234567C&status=expired&err-code=1&message-timestamp=2024-05-17+12%3A03%3A40"));

        Assert.Equal(fromForm.Events, fromJson.Events);
        Assert.Equal(new ParsedEvent(EventKind.Failed, "0A0000001234567C", null, new DateTimeOffset(2024, 5, 17, 12, 3, 40, TimeSpan.Zero))
        {
            Code = "1",
            To = "447700900124",
        }, fromJson.Events.Single());
    }

    [Theory]
    [InlineData("accepted", null)]
    [InlineData("buffered", null)]
    [InlineData("unknown", null)]
    [InlineData("ACCEPTD", null)]
    [InlineData("UNKNOWN", null)]
    [InlineData("delivered", EventKind.Delivered)]
    [InlineData("DELIVRD", EventKind.Delivered)]
    [InlineData("expired", EventKind.Failed)]
    [InlineData("EXPIRED", EventKind.Failed)]
    [InlineData("failed", EventKind.Failed)]
    [InlineData("FAILED", EventKind.Failed)]
    [InlineData("rejected", EventKind.Failed)]
    [InlineData("REJECTD", EventKind.Failed)]
    [InlineData("undelivered", EventKind.Failed)]
    [InlineData("UNDELIV", EventKind.Failed)]
    [InlineData("deleted", EventKind.Failed)]
    [InlineData("DELETED", EventKind.Failed)]
    public void MapsEveryStatus(string status, EventKind? kind)
    {
        var parsed = VonageCallbackParser.Parse(FormFields.Parse($"messageId=m1&status={status}"));
        Assert.Equal(kind, parsed.Events.SingleOrDefault()?.Kind);
        Assert.Equal(0, parsed.UnknownStatuses);
    }

    [Fact]
    public void AnInboundSms_IsAReplyIdentifiedByItsMessageId()
    {
        var parsed = VonageCallbackParser.Parse(FormFields.Parse("msisdn=447700900123&to=447700900000&messageId=in-1&text=STOP&type=text&message-timestamp=2026-11-27+10%3A00%3A00"));
        Assert.Equal(new ParsedEvent(EventKind.Replied, "in-1", "in-1", new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero)), parsed.Events.Single());
    }

    [Theory]
    [InlineData("status=delivered")]
    [InlineData("messageId=m1")]
    public void RejectsWhatIsNeitherAReceiptNorAnInboundSms(string body) =>
        Assert.Throws<CallbackFormatException>(() => VonageCallbackParser.Parse(FormFields.Parse(body)));
}
