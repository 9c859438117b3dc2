using System.Text.Json.Nodes;
using CallbackPipeline.Core.Providers;

namespace CallbackPipeline.UnitTests.Core;

public sealed class ProviderValidationTests
{
    private static Dictionary<string, string[]> Validate(ProviderKind kind, string settings, string secrets) =>
        ProviderValidation.Validate(ProviderKindSpec.For(kind), JsonNode.Parse(settings)!.AsObject(), JsonNode.Parse(secrets)!.AsObject());

    [Theory]
    [InlineData(ProviderKind.Generic, "{}", "{}")]
    [InlineData(ProviderKind.Twilio, """{"accountSid":"AC0123456789abcdef0123456789abcdef","messagingServiceSid":"MG0123456789abcdef0123456789abcdef"}""", """{"authToken":"t"}""")]
    [InlineData(ProviderKind.Vonage, """{"apiKey":"k","from":"Acme","signatureMethod":"sha256"}""", """{"apiSecret":"s"}""")]
    [InlineData(ProviderKind.Plivo, """{"authId":"MA1","from":"+1415"}""", """{"authToken":"t"}""")]
    [InlineData(ProviderKind.Infobip, """{"baseUrl":"https://x.api.infobip.com","from":"Info"}""", """{"apiKey":"k"}""")]
    [InlineData(ProviderKind.Telnyx, """{"from":"+1312","publicKey":"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="}""", """{"apiKey":"k"}""")]
    public void AcceptsAValidProviderOfEachKind(ProviderKind kind, string settings, string secrets) =>
        Assert.Empty(Validate(kind, settings, secrets));

    [Fact]
    public void NamesEveryMissingRequiredField()
    {
        var errors = Validate(ProviderKind.Vonage, "{}", "{}");
        Assert.Equal(["secrets.apiSecret", "settings.apiKey", "settings.from"], errors.Keys.Order());
    }

    [Fact]
    public void TwilioNeedsAFromNumberOrAMessagingService()
    {
        var errors = Validate(ProviderKind.Twilio, """{"accountSid":"AC0123456789abcdef0123456789abcdef"}""", """{"authToken":"t"}""");
        Assert.Equal(["settings.from", "settings.messagingServiceSid"], errors.Keys.Order());
    }

    [Theory]
    [InlineData(ProviderKind.Twilio, """{"accountSid":"XX","from":"+1"}""", """{"authToken":"t"}""", "settings.accountSid")]
    [InlineData(ProviderKind.Vonage, """{"apiKey":"k","from":"A","signatureMethod":"crc32"}""", """{"apiSecret":"s"}""", "settings.signatureMethod")]
    [InlineData(ProviderKind.Infobip, """{"baseUrl":"ftp://x","from":"A"}""", """{"apiKey":"k"}""", "settings.baseUrl")]
    [InlineData(ProviderKind.Telnyx, """{"from":"+1","publicKey":"AQID"}""", """{"apiKey":"k"}""", "settings.publicKey")]
    [InlineData(ProviderKind.Generic, """{"sendMethod":"PATCH"}""", "{}", "settings.sendMethod")]
    [InlineData(ProviderKind.Generic, "{}", """{"signingSecret":"whsec_short"}""", "secrets.signingSecret")]
    [InlineData(ProviderKind.Generic, "{}", """{"sendHeaders":{"a":1}}""", "secrets.sendHeaders")]
    [InlineData(ProviderKind.Generic, "{}", """{"callbackToken":"short"}""", "secrets.callbackToken")]
    [InlineData(ProviderKind.Plivo, """{"authId":"MA1","from":"+1","region":"eu"}""", """{"authToken":"t"}""", "settings.region")]
    [InlineData(ProviderKind.Plivo, """{"authId":"MA1","from":""}""", """{"authToken":"t"}""", "settings.from")]
    [InlineData(ProviderKind.Plivo, """{"authId":7,"from":"+1"}""", """{"authToken":"t"}""", "settings.authId")]
    public void NamesAnInvalidOrUnknownField(ProviderKind kind, string settings, string secrets, string field) =>
        Assert.Contains(field, Validate(kind, settings, secrets).Keys);

    [Fact]
    public void MergeReplacesKeyByKey_AndNullRemoves()
    {
        var merged = ProviderValidation.Merge(
            JsonNode.Parse("""{"a":"1","b":"2","c":"3"}""")!.AsObject(),
            JsonNode.Parse("""{"b":"20","c":null,"d":"4"}""")!.AsObject());
        Assert.Equal("""{"a":"1","b":"20","d":"4"}""", merged.ToJsonString());
    }

    [Theory]
    [InlineData("generic", true)]
    [InlineData("telnyx", true)]
    [InlineData("Generic", false)]
    [InlineData("sinch", false)]
    [InlineData("1", false)]
    [InlineData("", false)]
    public void ParsesOnlyLowerCaseKindNames(string name, bool known) => Assert.Equal(known, ProviderKindSpec.TryParse(name, out _));
}
