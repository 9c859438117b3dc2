using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Forms;
using CallbackPipeline.Core.Twilio;

namespace CallbackPipeline.UnitTests.Core;

public sealed class TwilioTests
{
    private const string Token = "3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c";
    private const string StatusUrl = "https://sms-hooks.example.com/twilio/status?tenant=acme";
    private const string T2 = "AccountSid=AC11111111111111111111111111111111&ApiVersion=2010-04-01&ErrorCode=30003&From=%2B15005550006&MessageSid=SM22222222222222222222222222222222&MessageStatus=undelivered&SmsSid=SM22222222222222222222222222222222&SmsStatus=undelivered&To=%2B14155550123&RawDlrDoneDate=2405141203";
    private const string T3 = "AccountSid=AC11111111111111111111111111111111&ApiVersion=2010-04-01&From=%2B15005550006&MessageSid=SM33333333333333333333333333333333&MessageStatus=delivered&MessagingServiceSid=MG44444444444444444444444444444444&SmsSid=SM33333333333333333333333333333333&SmsStatus=delivered&To=%2B14155550123&RawDlrDoneDate=2405141205";
    private const string T4 = "AccountSid=AC11111111111111111111111111111111&ApiVersion=2010-04-01&Body=STOP&From=%2B14155550123&MessageSid=SM55555555555555555555555555555555&MessagingServiceSid=MG44444444444444444444444444444444&NumMedia=0&NumSegments=1&SmsMessageSid=SM55555555555555555555555555555555&SmsSid=SM55555555555555555555555555555555&SmsStatus=received&To=%2B15005550006";

    [Fact]
    public void ReproducesTwiliosOwnSdkVector()
    {
        var fields = FormFields.Parse("CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212");
        Assert.True(TwilioSignature.IsValid("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", fields, "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    }

    [Theory]
    [InlineData(T2, StatusUrl, "fWvK+muw2qVBiinEb3OR1X1ucik=")]
    [InlineData(T3, StatusUrl, "9GkAfVTSyUl/AXxNyOyvgqSCsq4=")]
    [InlineData(T4, "https://sms-hooks.example.com/twilio/inbound", "QZanqB84Ad4jfOEyaCPudUrc3P8=")]
    public void VerifiesTheSyntheticVectors(string body, string url, string signature) =>
        Assert.True(TwilioSignature.IsValid(Token, url, FormFields.Parse(body), signature));

    // Vectors computed by twilio-node 6.3's own webhooks.js and checked with its validateRequest: a repeated name's
    // distinct values, sorted, each once; the same parameters signed with the duplicate kept, or in the order sent, fail.
    private const string SdkUrl = "https://callbacks.example.test/v1/callbacks/prv_test";
    private const string Repeated = "MessageSid=SM1&MessageStatus=delivered&To=%2B15005550006&Foo=b&Foo=a&Foo=b";

    [Theory]
    [InlineData(Repeated, "vfMGhzvP1HKyfO+ITxTVbbdcXpA=", true)]
    [InlineData("MessageSid=SM1&MessageStatus=delivered&To=%2B15005550006", "/TghFnm3vJT/7fRyNzpU8o+ArUA=", true)]
    [InlineData(Repeated, "k9AUFxbkef90uhZDhKgj+GJjCIU=", false)]
    [InlineData(Repeated, "GIkf7GW1Xb94Gxp6RZtPT+6qFEk=", false)]
    public void SignsARepeatedNamesDistinctValuesSortedOnce_AsTheSdkDoes(string body, string signature, bool valid) =>
        Assert.Equal(valid, TwilioSignature.IsValid(Token, SdkUrl, FormFields.Parse(body), signature));

    [Fact]
    public void AcceptsTheUrlWithTheDefaultPortSpelledOut() =>
        Assert.True(TwilioSignature.IsValid(Token, "https://sms-hooks.example.com:443/twilio/status?tenant=acme", FormFields.Parse(T2), "fWvK+muw2qVBiinEb3OR1X1ucik="));

    [Theory]
    [InlineData("MessageStatus=undelivered", "MessageStatus=delivered")]
    [InlineData("ErrorCode=30003", "ErrorCode=30004")]
    [InlineData("To=%2B14155550123", "To=%2B14155550123&Extra=1")]
    public void RejectsATamperedBody(string from, string to) =>
        Assert.False(TwilioSignature.IsValid(Token, StatusUrl, FormFields.Parse(T2.Replace(from, to, StringComparison.Ordinal)), "fWvK+muw2qVBiinEb3OR1X1ucik="));

    [Theory]
    [InlineData("https://sms-hooks.example.com/twilio/status?tenant=other")]
    [InlineData("http://sms-hooks.example.com/twilio/status?tenant=acme")]
    public void RejectsAnotherUrl(string url) => Assert.False(TwilioSignature.IsValid(Token, url, FormFields.Parse(T2), "fWvK+muw2qVBiinEb3OR1X1ucik="));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-base64")]
    public void RejectsAMissingSignature(string? signature) => Assert.False(TwilioSignature.IsValid(Token, StatusUrl, FormFields.Parse(T2), signature));

    [Theory]
    [InlineData("accepted", null)]
    [InlineData("scheduled", null)]
    [InlineData("queued", null)]
    [InlineData("sending", null)]
    [InlineData("receiving", null)]
    [InlineData("canceled", null)]
    [InlineData("sent", EventKind.Sent)]
    [InlineData("delivered", EventKind.Delivered)]
    [InlineData("read", EventKind.Delivered)]
    [InlineData("partially_delivered", EventKind.Delivered)]
    [InlineData("undelivered", EventKind.Failed)]
    [InlineData("failed", EventKind.Failed)]
    public void MapsEveryStatus(string status, EventKind? kind)
    {
        var parsed = TwilioCallbackParser.Parse(FormFields.Parse($"MessageSid=SM1&MessageStatus={status}"));
        Assert.Equal(kind, parsed.Events.SingleOrDefault()?.Kind);
        Assert.Equal(0, parsed.UnknownStatuses);
        Assert.Equal(1, parsed.Processed);
    }

    [Fact]
    public void AnUnknownStatus_IsAcceptedAndCountedAsNothing()
    {
        var parsed = TwilioCallbackParser.Parse(FormFields.Parse("MessageSid=SM1&MessageStatus=teleported"));
        Assert.Empty(parsed.Events);
        Assert.Equal(1, parsed.UnknownStatuses);
    }

    [Fact]
    public void AnInboundMessage_IsAReplyIdentifiedByItsSid()
    {
        var e = Assert.Single(TwilioCallbackParser.Parse(FormFields.Parse(T4)).Events);
        Assert.Equal(new ParsedEvent(EventKind.Replied, "SM55555555555555555555555555555555", "SM55555555555555555555555555555555", null), e);
    }

    [Theory]
    [InlineData("MessageStatus=sent")]
    [InlineData("MessageSid=SM1")]
    public void RejectsACallbackWithoutSidOrStatus(string body) =>
        Assert.Throws<CallbackFormatException>(() => TwilioCallbackParser.Parse(FormFields.Parse(body)));
}
