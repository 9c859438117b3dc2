using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Forms;
using CallbackPipeline.Core.Plivo;

namespace CallbackPipeline.UnitTests.Core;

public sealed class PlivoTests
{
    private const string Token = "ZmFrZS1wbGl2by1hdXRoLXRva2VuLTAx";
    private const string Nonce = "05429567804466091622";
    private const string P1 = "From=14155550100&To=919812345678&MessageUUID=4b1a6f0e-1d2c-11ef-9f4b-0242ac110002&Status=delivered&Type=sms&Units=1&TotalRate=0.0035&TotalAmount=0.0035&MCC=404&MNC=45&ErrorCode=&Sequence=3&MessageTime=2024-05-14+12%3A03%3A11.120431&QueuedTime=2024-05-14+12%3A03%3A11.301212&SentTime=2024-05-14+12%3A03%3A12.004518&DeliveryReportTime=2024-05-14+12%3A03%3A19.771602";
    private static readonly string P2 = P1.Replace("ac110002", "ac110003", StringComparison.Ordinal).Replace("Status=delivered", "Status=undelivered", StringComparison.Ordinal)
        .Replace("ErrorCode=", "ErrorCode=1234", StringComparison.Ordinal).Replace("12%3A03%3A19.771602", "12%3A05%3A40.000001", StringComparison.Ordinal);

    [Fact]
    public void BuildsTheStringToSign_AsTheSdkDoes() => Assert.Equal(
        "https://sms-hooks.example.com/plivo/status?DeliveryReportTime2024-05-14 12:03:19.771602ErrorCodeFrom14155550100MCC404MNC45MessageTime2024-05-14 12:03:11.120431MessageUUID4b1a6f0e-1d2c-11ef-9f4b-0242ac110002QueuedTime2024-05-14 12:03:11.301212SentTime2024-05-14 12:03:12.004518Sequence3StatusdeliveredTo919812345678TotalAmount0.0035TotalRate0.0035TypesmsUnits1.05429567804466091622",
        PlivoSignature.StringToSign(true, "https://sms-hooks.example.com/plivo/status", FormFields.Parse(P1), Nonce));

    // Vectors computed by plivo-node 4.79's own v3Security.js and accepted by its validateV3Signature: a repeated name's
    // values are sorted with duplicates kept, in the posted fields and in the URL's query alike.
    private const string SdkUrl = "https://callbacks.example.test/v1/callbacks/prv_test";
    private const string Repeated = "MessageUUID=u1&Status=delivered&Foo=b&Foo=a&Foo=b";

    [Theory]
    [InlineData(true, SdkUrl + "?x=2&x=1", Repeated, "https://callbacks.example.test/v1/callbacks/prv_test?x=1&x=2.FooaFoobFoobMessageUUIDu1Statusdelivered.05429567804466091622", "FPPXu+cHNo1j9X2PeM2zn8B9OQOrFwZY2rfUFPVtXKQ=")]
    [InlineData(true, SdkUrl, Repeated, "https://callbacks.example.test/v1/callbacks/prv_test?FooaFoobFoobMessageUUIDu1Statusdelivered.05429567804466091622", "7fK86VCBkcl1uWfrXeJsPc3KdFY18aXRFDw1VQNVVyQ=")]
    [InlineData(true, SdkUrl + "?x=2&x=1", "", "https://callbacks.example.test/v1/callbacks/prv_test?x=1&x=2.05429567804466091622", "qt/ufHKKCqdg7W6SD2XC3B/6KHlBPlG/q2HAnKcilLs=")]
    [InlineData(false, SdkUrl + "?MessageUUID=u1&Status=delivered&Foo=b&Foo=a", "", "https://callbacks.example.test/v1/callbacks/prv_test?Foo=a&Foo=b&MessageUUID=u1&Status=delivered.05429567804466091622", "soDKO1eQ1KY3BT4eZlEeut0fKd6xUX15RwzAN5KyIuY=")]
    [InlineData(false, SdkUrl + "?To=%2B15005550006&Text=hi+there%21&b=&a", "", "https://callbacks.example.test/v1/callbacks/prv_test?Text=hi there!&To=+15005550006&a=&b=.05429567804466091622", "0mRla2HHRr4fh8s7aZaanZkuUEYFnFi9pMqxJrGwVQI=")]
    public void SignsRepeatedNamesAndEmptyQueries_AsTheSdkDoes(bool isPost, string url, string body, string stringToSign, string signature)
    {
        Assert.Equal(stringToSign, PlivoSignature.StringToSign(isPost, url, FormFields.Parse(body), Nonce));
        Assert.True(PlivoSignature.IsValid(Token, isPost, url, FormFields.Parse(body), Nonce, signature));
    }

    [Fact]
    public void RejectsARepeatedValueSignedOnce() =>
        Assert.False(PlivoSignature.IsValid(Token, true, SdkUrl + "?x=2&x=1", FormFields.Parse("MessageUUID=u1&Status=delivered&Foo=b&Foo=a"), Nonce, "FPPXu+cHNo1j9X2PeM2zn8B9OQOrFwZY2rfUFPVtXKQ="));

    [Fact]
    public void VerifiesAPostWithoutQuery() =>
        Assert.True(PlivoSignature.IsValid(Token, true, "https://sms-hooks.example.com/plivo/status", FormFields.Parse(P1), Nonce, "J38Z/GAV7tJ24Q7VaAl3JUeO896GsSYUFlddFTLM0uw="));

    [Fact]
    public void VerifiesAPostWithAQuery() =>
        Assert.True(PlivoSignature.IsValid(Token, true, "https://sms-hooks.example.com/plivo/status?tenant=acme", FormFields.Parse(P2), Nonce, "PAHuZIN8bhoP5aTQnNy2va+KbLpG92enMtsFscab8ds="));

    [Fact]
    public void VerifiesAGet() => Assert.True(PlivoSignature.IsValid(Token, false,
        "https://sms-hooks.example.com/plivo/status?tenant=acme&MessageUUID=4b1a6f0e-1d2c-11ef-9f4b-0242ac110004&Status=sent&To=919812345678",
        FormFields.Empty, Nonce, "nFj538xI8SS05OxHuul/QVG4ynjTErDttEJcXVWpkRQ="));

    [Fact]
    public void AcceptsAnyOfSeveralSignatures() => Assert.True(PlivoSignature.IsValid(Token, true, "https://sms-hooks.example.com/plivo/status",
        FormFields.Parse(P1), Nonce, "AAAAbogus=,J38Z/GAV7tJ24Q7VaAl3JUeO896GsSYUFlddFTLM0uw="));

    [Fact]
    public void RejectsATamperedBody() => Assert.False(PlivoSignature.IsValid(Token, true, "https://sms-hooks.example.com/plivo/status",
        FormFields.Parse(P1.Replace("Status=delivered", "Status=failed", StringComparison.Ordinal)), Nonce, "J38Z/GAV7tJ24Q7VaAl3JUeO896GsSYUFlddFTLM0uw="));

    [Fact]
    public void RejectsAnotherNonce() => Assert.False(PlivoSignature.IsValid(Token, true, "https://sms-hooks.example.com/plivo/status",
        FormFields.Parse(P1), "1", "J38Z/GAV7tJ24Q7VaAl3JUeO896GsSYUFlddFTLM0uw="));

    [Fact]
    public void DoesNotAcceptAV2Signature_InTheV3Header() => Assert.False(PlivoSignature.IsValid(Token, true, "https://sms-hooks.example.com/plivo/status",
        FormFields.Parse(P1), Nonce, "CEpKbx7UArhNwwOm/MF1IZrwkOCpiFYYK8Hzr4/+scY="));

    [Theory]
    [InlineData("queued", null)]
    [InlineData("sent", EventKind.Sent)]
    [InlineData("delivered", EventKind.Delivered)]
    [InlineData("read", EventKind.Delivered)]
    [InlineData("failed", EventKind.Failed)]
    [InlineData("undelivered", EventKind.Failed)]
    [InlineData("rejected", EventKind.Failed)]
    public void MapsEveryStatus(string status, EventKind? kind)
    {
        var parsed = PlivoCallbackParser.Parse(FormFields.Parse($"MessageUUID=u1&Status={status}"));
        Assert.Equal(kind, parsed.Events.SingleOrDefault()?.Kind);
        Assert.Equal(0, parsed.UnknownStatuses);
    }

    [Fact]
    public void AnInboundMessage_IsAReplyIdentifiedByItsUuid()
    {
        var parsed = PlivoCallbackParser.Parse(FormFields.Parse("From=919812345678&To=14155550100&Text=STOP&Type=sms&MessageUUID=5c2b7a10-1d2c-11ef-9f4b-0242ac110009&Units=1"));
        Assert.Equal(new ParsedEvent(EventKind.Replied, "5c2b7a10-1d2c-11ef-9f4b-0242ac110009", "5c2b7a10-1d2c-11ef-9f4b-0242ac110009", null), parsed.Events.Single());
    }
}
