using CallbackPipeline.Load;

namespace CallbackPipeline.UnitTests.Load;

/// <summary>
/// The load harness's ledger and checks: what the accepted events must add up to, from the run's own tables; every
/// figure compared exactly, either way; an event whose request never got a 2xx fails the run.
/// </summary>
public sealed class LedgerTests
{
    private const string Provider = "prv_1";

    private static readonly DateTimeOffset Now = new(2026, 12, 4, 10, 0, 0, TimeSpan.Zero);

    private static EventKey Key(string counter, string message) => new(Provider, counter, message);

    [Fact]
    public void Expectations_CountEachAcceptedEventOnce_AndAnUnansweredOneThatWasAlsoAcceptedNotAsUncertain()
    {
        var ledger = new Ledger(TimeZoneInfo.Utc);
        ledger.Accept([Key("delivered", "m1"), Key("delivered", "m2")], [], Now, Now);
        ledger.Accept([Key("delivered", "m1")], [], Now, Now);
        ledger.Uncertain([Key("delivered", "m2"), Key("delivered", "m3")]);

        var expectation = ledger.Expectations()[(Provider, "delivered")];

        Assert.Equal((2, 1), expectation);
    }

    [Fact]
    public void InsightExpectations_GiveADeliveryItsSentEventsCountryAndBucket_AndAFailureItsCodeAndCategory()
    {
        var ledger = new Ledger(TimeZoneInfo.Utc);
        ledger.Accept(
            [Key("sent", "m1"), Key("delivered", "m1"), Key("delivered", "m2"), Key("failed", "m3"), Key("failed", "m4"), Key("clicks", "m1 link 0")],
            [new("IN", null, null), new(null, null, 1), new(null, null, 45), new("DE", "906", null), new(null, null, null), default], Now, Now);

        var expected = ledger.InsightExpectations()[Provider].Values;

        Assert.Equal(new Dictionary<string, long>
        {
            ["country IN sent"] = 1,
            ["country IN delivered"] = 1,
            // m2's delivery has no accepted sent event: no country of its own to inherit, and no time to deliver.
            ["country unknown delivered"] = 1,
            ["country DE failed"] = 1,
            ["country unknown failed"] = 1,
            // 1 s is exactly on the first bucket's bound.
            ["latency le=1"] = 1,
            ["code 906"] = 1,
            ["category blocked"] = 1,
            ["code none"] = 1,
            ["category unknown"] = 1,
        }, expected);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(45, 60)]
    [InlineData(100, 120)]
    public void TheRunsDelays_FallInTheBucketsItNamesItself(long delay, long le) => Assert.Equal(le, RequestFactory.BucketOf(delay));

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 2)]
    [InlineData(0, 1)]
    public void AnInsightFigure_ThatDiffersEitherWay_FailsTheCheck(long expectedCount, long servedCount)
    {
        var expected = new InsightTallies();
        var served = new InsightTallies();
        expected.Add(InsightTallies.Code("906"), expectedCount);
        served.Add(InsightTallies.Code("906"), servedCount);
        expected.Add(InsightTallies.Country("IN", "sent"), 3);
        served.Add(InsightTallies.Country("IN", "sent"), 3);

        var check = InsightCheck.Of(Provider, expected, served);

        Assert.False(check.Passed);
        Assert.Equal(new FigureDifference(expectedCount, servedCount), Assert.Single(check.Differences).Value);
        Assert.Equal(Math.Abs(servedCount - expectedCount), check.Off);
    }

    [Fact]
    public void EqualFigures_PassTheCheck()
    {
        var expected = new InsightTallies();
        var served = new InsightTallies();
        foreach (var tallies in new[] { expected, served })
        {
            tallies.Add(InsightTallies.Latency(5), 2);
            tallies.Add(InsightTallies.Latency(null), 1);
        }

        var check = InsightCheck.Of(Provider, expected, served);

        Assert.True(check.Passed);
        Assert.Equal(3, check.Timed);
    }

    [Theory]
    [InlineData(0, 0, 0, true)]
    [InlineData(1, 0, 0, false)]
    [InlineData(0, 1, 0, false)]
    [InlineData(0, 0, 1, false)]
    public void AVerification_PassesOnlyWithNothingLostDoubledOrWithoutAnAnswer(long lost, long doubled, long uncertain, bool passed)
    {
        var row = new VerificationRow(Provider, "generic", "delivered", 10, uncertain, 10 - lost + doubled, lost, doubled);

        Assert.Equal(passed, new Verification([row]).Passed);
        Assert.False(new Verification([row with { Lost = 0, Doubled = 0, Uncertain = 0 }]) { MovedAfterMatching = true }.Passed);
    }

    private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");

    [Fact]
    public void DayExpectations_PutAnEventOnItsOwnTimesDay_InTheAccountsZone()
    {
        var ledger = new Ledger(Kolkata);
        // 19:00 UTC is 00:30 the next day in Kolkata.
        var evening = new DateTimeOffset(2026, 12, 4, 19, 0, 0, TimeSpan.Zero);
        ledger.Accept([Key("delivered", "m1")], [new(null, null, null, evening)], evening, evening.AddSeconds(1));

        var (byDay, anyDay) = ledger.DayExpectations()[(Provider, "delivered")];

        Assert.Equal(new Dictionary<DateOnly, long> { [new DateOnly(2026, 12, 5)] = 1 }, byDay);
        Assert.Equal(0, anyDay);
    }

    [Theory]
    [InlineData("2026-12-04T10:00:00Z", "2026-12-04T10:00:02Z", "2026-12-04")]
    [InlineData("2026-12-04T18:29:59Z", "2026-12-04T18:30:01Z", null)]
    public void AnEventTimedByThePipeline_IsOnItsDay_UnlessItsRequestStraddledMidnight(string built, string answered, string? day)
    {
        var ledger = new Ledger(Kolkata);
        ledger.Accept([Key("sent", "m1")], [], DateTimeOffset.Parse(built), DateTimeOffset.Parse(answered));

        var (byDay, anyDay) = ledger.DayExpectations()[(Provider, "sent")];

        Assert.Equal(day is null ? [] : new Dictionary<DateOnly, long> { [DateOnly.Parse(day)] = 1 }, byDay);
        Assert.Equal(day is null ? 1 : 0, anyDay);
    }

    [Fact]
    public void ACounterOnTheWrongDay_IsAMismatchOnBothDays_AndOneThatMayBeOnEitherIsNot()
    {
        DateOnly d1 = new(2026, 12, 4), d2 = new(2026, 12, 5);
        var expected = new Dictionary<DateOnly, long> { [d1] = 3, [d2] = 1 };

        Assert.Equal([d1, d2], DayMismatch.Of(Provider, "sent", expected, 0, new() { [d1] = 2, [d2] = 2 }).Select(m => m.Day));
        Assert.Empty(DayMismatch.Of(Provider, "sent", expected, 1, new() { [d1] = 3, [d2] = 2 }));
        Assert.Single(DayMismatch.Of(Provider, "sent", expected, 1, new() { [d1] = 3, [d2] = 3 }));
    }
}
