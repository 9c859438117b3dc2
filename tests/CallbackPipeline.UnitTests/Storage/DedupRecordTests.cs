using CallbackPipeline.Core.Events;
using CallbackPipeline.Storage.Counting;

namespace CallbackPipeline.UnitTests.Storage;

public sealed class DedupRecordTests
{
    private static readonly DateOnly Day = new(2026, 11, 27);

    private static CallbackEvent Event(EventKind kind, string messageId = "m1", string? distinct = null, DateOnly? day = null) =>
        new("prv_1", kind, messageId, distinct, 1_764_200_000, day ?? Day);

    [Theory]
    [InlineData(EventKind.Sent, "sent")]
    [InlineData(EventKind.Delivered, "delivered")]
    [InlineData(EventKind.Failed, "failed")]
    [InlineData(EventKind.Clicked, "clicks")]
    [InlineData(EventKind.Replied, "replies")]
    public void TheValue_ReadsBackAsTheDayAndTheCounter(EventKind kind, string counter)
    {
        foreach (var day in new[] { Day, new DateOnly(2020, 1, 1), new DateOnly(2019, 12, 31), new DateOnly(2099, 12, 31) })
        {
            Assert.Equal((day, counter), DedupRecord.Parse(DedupRecord.Value(Event(kind, distinct: "x", day: day))));
        }
    }

    [Fact]
    public void AClicksSecondRecordValue_ReadsBackAsClicked()
    {
        var value = DedupRecord.Value(Event(EventKind.Clicked, distinct: "x"));
        Assert.Equal((Day, "clicked"), DedupRecord.Parse(value - 1));
        Assert.Null(DedupRecord.Parse((value & ~7L) | 6));
    }

    [Fact]
    public void Fingerprints_AreSixteenBytes_TheSameForTheSameRecord_AndDifferForAnyOtherRecord()
    {
        CallbackEvent[] events =
        [
            Event(EventKind.Sent), Event(EventKind.Delivered), Event(EventKind.Failed),
            Event(EventKind.Clicked, distinct: "a"), Event(EventKind.Clicked, distinct: "b"),
            Event(EventKind.Replied, distinct: "a"), Event(EventKind.Sent, "m2"), Event(EventKind.Sent, "m1 "),
            Event(EventKind.Replied, "m", "mr:x"), Event(EventKind.Replied, "mr:m", "x"),
            Event(EventKind.Replied, "m1", new string('é', 400)),
        ];
        var prints = events.Select(DedupRecord.Primary).Append(DedupRecord.Secondary(Event(EventKind.Clicked, distinct: "a"))!).ToList();

        Assert.All(prints, p => Assert.Equal(DedupRecord.Length, p.Length));
        Assert.Equal(prints.Count, prints.Select(Convert.ToHexString).Distinct().Count());
        Assert.Equal(prints[0], DedupRecord.Primary(Event(EventKind.Sent, day: Day.AddDays(3))));
        Assert.Equal(prints[^1], DedupRecord.Secondary(Event(EventKind.Clicked, distinct: "b")));
        Assert.Null(DedupRecord.Secondary(Event(EventKind.Delivered)));
    }
}
