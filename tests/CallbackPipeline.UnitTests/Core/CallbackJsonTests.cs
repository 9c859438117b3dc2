using System.Text;
using System.Text.Json.Nodes;
using CallbackPipeline.Api;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Infobip;
using CallbackPipeline.Core.Vonage;

namespace CallbackPipeline.UnitTests.Core;

/// <summary>Invalid UTF-8 inside a JSON string passes the reader and used to throw only when read: a 500 the fuzz corpus found.</summary>
public sealed class CallbackJsonTests
{
    private static byte[] WithInvalidUtf8(string json, string at) =>
        [.. Encoding.UTF8.GetBytes(json[..json.IndexOf(at, StringComparison.Ordinal)]), 0xC3, 0x28, .. Encoding.UTF8.GetBytes(json[json.IndexOf(at, StringComparison.Ordinal)..])];

    [Fact]
    public void InvalidUtf8InsideAString_IsAFormatError_ForEveryJsonParser()
    {
        var infobip = WithInvalidUtf8("""{"results":[{"messageId":"m1","status":{"groupName":"DELIVERED"}}]}""", "m1");
        var vonage = WithInvalidUtf8("""{"messageId":"m1","status":"delivered"}""", "m1");

        Assert.Contains("UTF-8", Assert.Throws<CallbackFormatException>(() => CallbackJson.Parse(infobip)).Message);
        Assert.Throws<CallbackFormatException>(() => InfobipCallbackParser.Parse(infobip));
        Assert.Throws<CallbackFormatException>(() => VonageCallbackParser.FieldsFromJson(vonage));
    }

    [Fact]
    public void ABoundJsonObjectWithInvalidUtf8_IsNotReadable()
    {
        var node = JsonNode.Parse(WithInvalidUtf8("""{"settings":{"sendUrl":"https://x.test"}}""", "https"))!;

        Assert.False(JsonText.IsReadable(node));
        Assert.True(JsonText.IsReadable(JsonNode.Parse("""{"a":["b",{"c":1}]}""")));
        Assert.True(JsonText.IsReadable(null));
    }
}
