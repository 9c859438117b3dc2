using System.Text;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Storage.Queue;

namespace CallbackPipeline.UnitTests.Storage;

public sealed class QueuePayloadTests
{
    [Fact]
    public void RoundTripsEveryField()
    {
        CallbackEvent[] events =
        [
            new("prv_1", EventKind.Clicked, "msg-ü-1", "abc", 1_764_000_000, new DateOnly(2026, 11, 27)),
            new("prv_2", EventKind.Sent, "m2", null, 1_700_000_000, new DateOnly(2023, 11, 14)) { Country = "IN" },
            new("prv_2", EventKind.Failed, "m3", null, 1_700_000_000, new DateOnly(2023, 11, 14)) { Code = "30007", Description = "Blocked", Country = "BR" },
        ];
        Assert.Equal(events, QueuePayload.TryRead(QueuePayload.Write(events)));
    }

    [Fact]
    public void AMessageWrittenBeforeInsights_ReadsAsEventsWithNone()
    {
        var events = QueuePayload.TryRead("""{"V":1,"E":[{"P":"p","K":3,"M":"m","T":1,"D":1}]}"""u8);
        var e = Assert.Single(events!);
        Assert.Equal((EventKind.Failed, null, null, null), (e.Kind, e.Code, e.Description, e.Country));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"V":2,"E":[]}""")]
    [InlineData("""{"V":1}""")]
    [InlineData("""{"V":1,"E":[{"P":"p","K":9,"M":"m","T":1,"D":1}]}""")]
    [InlineData("""{"V":1,"E":[{"K":1,"M":"m","T":1,"D":1}]}""")]
    public void UnreadablePayloads_ReadAsNull(string payload) => Assert.Null(QueuePayload.TryRead(Encoding.UTF8.GetBytes(payload)));
}
