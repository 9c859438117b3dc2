using System.Text;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Infobip;

namespace CallbackPipeline.UnitTests.Core;

public sealed class InfobipTests
{
    private const string I1 = """
        {"results":[
         {"bulkId":"BULK-20240514-01","messageId":"ib-msg-0001","to":"41793026727","from":"ACME","sentAt":"2024-05-14T12:03:11.000+0000","doneAt":"2024-05-14T12:03:19.000+0000","smsCount":1,"mccMnc":"22801","callbackData":"camp-42","price":{"pricePerMessage":0.01,"currency":"EUR"},"status":{"groupId":3,"groupName":"DELIVERED","id":5,"name":"DELIVERED_TO_HANDSET","description":"Message delivered to handset"},"error":{"groupId":0,"groupName":"OK","id":0,"name":"NO_ERROR","description":"No Error","permanent":false}},
         {"bulkId":"BULK-20240514-01","messageId":"ib-msg-0002","to":"41793026728","from":"ACME","sentAt":"2024-05-14T12:03:11.000+0000","doneAt":"2024-05-16T12:03:11.000+0000","smsCount":1,"callbackData":"camp-42","price":{"pricePerMessage":0.01,"currency":"EUR"},"status":{"groupId":4,"groupName":"EXPIRED","id":15,"name":"EXPIRED_EXPIRED","description":"Message expired"},"error":{"groupId":1,"groupName":"HANDSET_ERRORS","id":27,"name":"EC_ABSENT_SUBSCRIBER","description":"Absent Subscriber","permanent":false}},
         {"bulkId":"BULK-20240514-01","messageId":"ib-msg-0003","to":"41793026729","from":"ACME","sentAt":"2024-05-14T12:03:11.000+0000","doneAt":"2024-05-14T12:03:12.000+0000","smsCount":2,"callbackData":"camp-42","price":{"pricePerMessage":0.0,"currency":"EUR"},"status":{"groupId":5,"groupName":"REJECTED","id":6,"name":"REJECTED_NETWORK","description":"Network is forbidden"},"error":{"groupId":0,"groupName":"OK","id":0,"name":"NO_ERROR","description":"No Error","permanent":false}}]}
        """;

    private const string I2 = """
        {"results":[{"bulkId":"","messageId":"ib-msg-0004","to":"5511987654321","sentAt":"2024-05-14T09:03:11.000-0300","doneAt":"2024-05-14T09:05:02.000-0300","smsCount":1,"status":{"groupId":2,"groupName":"UNDELIVERABLE","id":9,"name":"UNDELIVERABLE_NOT_DELIVERED","description":"Message sent not delivered"},"error":{"groupId":1,"groupName":"HANDSET_ERRORS","id":1,"name":"EC_UNKNOWN_SUBSCRIBER","description":"Unknown Subscriber","permanent":true}}]}
        """;

    private static ParsedCallback Parse(string json) => InfobipCallbackParser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void ParsesABatch_WithDoneAtAsTheTime_AndTheErrorAsTheCode()
    {
        var parsed = Parse(I1);
        Assert.Equal(
        [
            new ParsedEvent(EventKind.Delivered, "ib-msg-0001", null, new DateTimeOffset(2024, 5, 14, 12, 3, 19, TimeSpan.Zero)) { To = "41793026727" },
            new ParsedEvent(EventKind.Failed, "ib-msg-0002", null, new DateTimeOffset(2024, 5, 16, 12, 3, 11, TimeSpan.Zero))
            {
                To = "41793026728", Code = "27", Description = "Absent Subscriber",
            },
            // A rejection that carries Infobip's "no error" has no code.
            new ParsedEvent(EventKind.Failed, "ib-msg-0003", null, new DateTimeOffset(2024, 5, 14, 12, 3, 12, TimeSpan.Zero)) { To = "41793026729" },
        ], parsed.Events);
    }

    [Fact]
    public void ReadsANegativeOffset()
    {
        Assert.Equal(
            new ParsedEvent(EventKind.Failed, "ib-msg-0004", null, new DateTimeOffset(2024, 5, 14, 12, 5, 2, TimeSpan.Zero))
            {
                To = "5511987654321", Code = "1", Description = "Unknown Subscriber",
            },
            Parse(I2).Events.Single());
    }

    [Theory]
    [InlineData("""{"groupId":0}""")]
    [InlineData("""{"groupName":"OK"}""")]
    [InlineData("""{"id":0,"description":"No Error"}""")]
    [InlineData("""{"name":"NO_ERROR"}""")]
    public void InfobipsNoError_IsNoCode(string error)
    {
        var e = Parse($$"""{"results":[{"messageId":"m","status":{"groupName":"REJECTED"},"error":{{error}}}]}""").Events.Single();
        Assert.Equal((EventKind.Failed, null, null), (e.Kind, e.Code, e.Description));
    }

    [Fact]
    public void AnErrorIdWrittenAsText_IsTheSameCode() => Assert.Equal("27",
        Parse("""{"results":[{"messageId":"m","status":{"groupName":"EXPIRED"},"error":{"groupId":1,"id":"27"}}]}""").Events.Single().Code);

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
