using System.Text.RegularExpressions;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Insights;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Redis;

namespace CallbackPipeline.UnitTests.Storage;

public sealed partial class DedupRecordTests
{
    private static readonly DateOnly Day = new(2026, 11, 27);

    private static CallbackEvent Event(EventKind kind, string messageId = "m1", string? distinct = null, DateOnly? day = null, string? country = null) =>
        new("prv_1", kind, messageId, distinct, 1_795_737_600, day ?? Day) { Country = country };

    [Theory]
    [InlineData(EventKind.Sent, 0)]
    [InlineData(EventKind.Delivered, 1)]
    [InlineData(EventKind.Failed, 2)]
    [InlineData(EventKind.Clicked, 4)]
    [InlineData(EventKind.Replied, 5)]
    public void Packs_TheCounter_TheDayOffset_AndTheCountry(EventKind kind, int counter)
    {
        // 1,795,737,600 is 2026-11-27 00:00 UTC: the day before, the same and the day after are offsets 0, 1 and 2.
        Assert.Equal(counter + (8 * 1), DedupRecord.Packed(Event(kind)));
        Assert.Equal(counter + (8 * 0), DedupRecord.Packed(Event(kind, day: Day.AddDays(-1))));
        Assert.Equal(counter + (8 * 2) + (32 * Countries.Index("IN")), DedupRecord.Packed(Event(kind, day: Day.AddDays(1), country: "IN")));
    }

    [Fact]
    public void AStoredValue_ReadsBackAsItsCounterTimeCountryOrDay()
    {
        const long generation = 5_700, length = 309_600, window = 604_800;
        var start = (generation * length) - window;
        var sent = DedupRecord.Parse(((1234L * 256) + Countries.Index("BR")) * 8, generation, length, window);
        Assert.Equal(new StoredRecord("sent", start + 1234, Countries.Index("BR"), null), sent);
        Assert.Null(sent.Day);

        var delivered = DedupRecord.Parse((((86_400L * 4) + 2) * 8) + 1, generation, length, window);
        Assert.Equal(("delivered", start + 86_400), (delivered.Counter, delivered.EventTime));
        Assert.Equal(DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeSeconds(start + 86_400).UtcDateTime).AddDays(1), delivered.Day);
        Assert.Equal("clicked", DedupRecord.Parse((7L * 8) + 3, generation, length, window).Counter);
        // A delivery or failure counted under no country before its sent event still counts as one.
        var pending = DedupRecord.Parse((((86_400L * 4) + 2) * 8) + 6, generation, length, window);
        Assert.Equal(("delivered", delivered.EventTime, delivered.Day), (pending.Counter, pending.EventTime, pending.Day));
        Assert.Equal("failed", DedupRecord.Parse((7L * 8) + 7, generation, length, window).Counter);
    }

    [Fact]
    public void Records_AreSixteenBytesBehindTheirMessagesSelector_TheSameForTheSameRecord_AndDifferForAnyOtherRecord()
    {
        CallbackEvent[] events =
        [
            Event(EventKind.Sent), Event(EventKind.Delivered), Event(EventKind.Failed),
            Event(EventKind.Clicked, distinct: "a"), Event(EventKind.Clicked, distinct: "b"),
            Event(EventKind.Replied, distinct: "a"), Event(EventKind.Sent, "m2"), Event(EventKind.Sent, "m1 "),
            Event(EventKind.Replied, "m", "mr:x"), Event(EventKind.Replied, "mr:m", "x"),
            Event(EventKind.Replied, "m1", new string('é', 400)),
        ];
        var records = events.Select(DedupRecord.Primary).ToList();
        var prints = records.Select(r => r[DedupRecord.SelectorLength..]).Append(DedupRecord.Secondary(Event(EventKind.Clicked, distinct: "a"))!).ToList();

        Assert.All(records, r => Assert.Equal(DedupRecord.SelectorLength + DedupRecord.Length, r.Length));
        Assert.Equal(prints.Count, prints.Select(Convert.ToHexString).Distinct().Count());
        Assert.Equal(records[0], DedupRecord.Primary(Event(EventKind.Sent, day: Day.AddDays(3))));
        // Every record of a message is in the bucket the message chooses.
        Assert.Equal(records[0][..4], records[1][..4]);
        Assert.Equal(records[0][..4], records[5][..4]);
        Assert.NotEqual(records[0][..4], records[6][..4]);
    }

    [Fact]
    public void Partners_AreTheRecordsWhoseValuesAnEventNeeds()
    {
        Assert.Equal(DedupRecord.Primary(Event(EventKind.Delivered))[4..], DedupRecord.Partner(Event(EventKind.Sent)));
        Assert.Equal(DedupRecord.Primary(Event(EventKind.Sent))[4..], DedupRecord.Partner(Event(EventKind.Delivered)));
        Assert.Equal(DedupRecord.Primary(Event(EventKind.Sent))[4..], DedupRecord.Partner(Event(EventKind.Failed)));
        Assert.Null(DedupRecord.Partner(Event(EventKind.Failed, country: "IN")));
        Assert.Null(DedupRecord.Partner(Event(EventKind.Clicked, distinct: "a")));
        Assert.Equal(DedupRecord.Primary(Event(EventKind.Failed))[4..], DedupRecord.Secondary(Event(EventKind.Sent)));
        Assert.Null(DedupRecord.Secondary(Event(EventKind.Delivered)));
    }

    [Fact]
    public void TheCountingScript_UsesTheLayoutThisCodeBuilds()
    {
        var script = LuaScripts.Count;
        Assert.Equal($"local first, stride = {CounterStore.ArgsBefore + 1}, {CounterStore.ArgsPerEvent}", FirstAndStride().Match(script).Value);
        Assert.Equal(string.Join(", ", DedupRecord.Counters.Select(c => $"'{c}'")),
            CountersTable().Match(script).Groups[1].Value.Replace("[0] = ", "", StringComparison.Ordinal));
        Assert.Contains($"(offset * {1 << DedupRecord.CountryBits} + country) * 8", script);
        Assert.Contains($"(offset * {1 << DedupRecord.DayOffsetBits} + day_offset) * 8 + counter", script);
        Assert.Contains($"local pending_offset = {DedupRecord.CountryPendingOffset}", script);
        Assert.Contains($"local max_codes = {FailureCodes.MaxPerDay}", script);
        Assert.Contains($"local latency_bounds = {{{string.Join(", ", LatencyBuckets.Bounds)}}}", script);
        Assert.Contains($"'{DayInsights.FailurePrefix}'", script);
        Assert.Contains($"'{DayInsights.CountryPrefix}'", script);
        Assert.Contains($"'{DayInsights.LatencyPrefix}'", script);
        Assert.Contains($"':{DayInsights.DescriptionPrefix}'", LuaScripts.CutBatch);
    }

    [GeneratedRegex(@"local first, stride = \d+, \d+")]
    private static partial Regex FirstAndStride();

    [GeneratedRegex(@"local counters = \{(.*)\}")]
    private static partial Regex CountersTable();
}
