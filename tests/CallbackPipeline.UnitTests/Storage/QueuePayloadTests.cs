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
            new("prv_2", EventKind.Sent, "m2", null, 1_700_000_000, new DateOnly(2023, 11, 14)),
        ];
        Assert.Equal(events, QueuePayload.TryRead(QueuePayload.Write(events)));
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
