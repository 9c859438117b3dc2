using System.Text;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Infobip;

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
