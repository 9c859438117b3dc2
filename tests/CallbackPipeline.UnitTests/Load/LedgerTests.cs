using CallbackPipeline.Core.Insights;
using CallbackPipeline.Load;

namespace CallbackPipeline.UnitTests.Load;

/// <summary>
/// The load harness's ledger: what the accepted events must add up to, and how far the events whose request got no
/// answer may move the figures, since the pipeline may or may not have counted each of them.
/// </summary>
public sealed class LedgerTests
{
    private const string Provider = "prv_1";

    private static EventKey Key(string counter, string message) => new(Provider, counter, message);

    [Fact]
    public void Expectations_CountEachAcceptedEventOnce_AndAnUnansweredOneThatWasAlsoAcceptedNotAsUncertain()
    {
        var ledger = new Ledger();
        ledger.Accept([Key("delivered", "m1"), Key("delivered", "m2")]);
        ledger.Accept([Key("delivered", "m1")]);
        ledger.Uncertain([Key("delivered", "m2"), Key("delivered", "m3")]);

        var expectation = ledger.Expectations()[(Provider, "delivered")];

        Assert.Equal((2, 1), expectation);
    }

    [Fact]
    public void InsightExpectations_GiveADeliveryItsSentEventsCountryAndDelay_AndAFailureItsCode()
    {
        var ledger = new Ledger();
        ledger.Accept(
            [Key("sent", "m1"), Key("delivered", "m1"), Key("delivered", "m2"), Key("failed", "m3"), Key("failed", "m4")],
            [new("IN", null, null), new(null, null, 12), new(null, null, 40), new("DE", "30007", null), new(null, null, null)]);

        var expected = ledger.InsightExpectations()[Provider];

        Assert.Equal(0, expected.Allowed);
        Assert.Equal(new CountryCounts(1, 1, 0), expected.Expected.Countries["IN"]);
        Assert.Equal(new CountryCounts(0, 1, 1), expected.Expected.Countries[Countries.Unknown]);
        Assert.Equal(new CountryCounts(0, 0, 1), expected.Expected.Countries["DE"]);
        Assert.Equal(1, expected.Expected.Failures["30007"]);
        Assert.Equal(1, expected.Expected.Failures[FailureCodes.None]);
        Assert.Equal(1, expected.Expected.Latency[LatencyBuckets.Of(12)]);
        Assert.Equal(1, expected.Expected.Latency.Sum());
    }

    [Fact]
    public void AnUnansweredSentEvent_AllowsItsTally_ATimeToDeliverForAnAcceptedDelivery_AndTwoForEachAcceptedEventThatTakesItsCountry()
    {
        var ledger = new Ledger();
        ledger.Accept([Key("delivered", "m1"), Key("failed", "m1"), Key("delivered", "m2")], [default, new(null, "21610", null), new("FR", null, 5)]);
        ledger.Uncertain([Key("sent", "m1"), Key("sent", "m2"), Key("sent", "m3")], [new("BR", null, null), new("FR", null, null), default]);

        Assert.Equal((1 + 1 + 4) + (1 + 1) + 1, ledger.InsightExpectations()[Provider].Allowed);
    }

    [Theory]
    [InlineData("delivered", null, 1)]
    [InlineData("delivered", "accepted", 2)]
    [InlineData("delivered", "unanswered", 2 + 1)]
    [InlineData("failed", null, 2)]
    [InlineData("clicks", null, 0)]
    public void AnUnansweredDeliveryFailureOrClick_AllowsTheTalliesItWouldChange(string counter, string? sentEvent, long allowed)
    {
        var ledger = new Ledger();
        if (sentEvent == "accepted") ledger.Accept([Key("sent", "m1")], [new("IN", null, null)]);
        if (sentEvent == "unanswered") ledger.Uncertain([Key("sent", "m1")], [new("IN", null, null)]);
        ledger.Uncertain([Key(counter, "m1")], [new(null, counter == "failed" ? "30007" : null, counter == "delivered" ? 9 : null)]);

        Assert.Equal(allowed, ledger.InsightExpectations()[Provider].Allowed);
    }

    [Fact]
    public void TheAllowance_CoversWhatThePipelineDoesWhenItDidCountTheUnansweredSentEvent_AndNoMore()
    {
        var ledger = new Ledger();
        ledger.Accept([Key("delivered", "m1")], [new(null, null, 30)]);
        ledger.Uncertain([Key("sent", "m1")], [new("BR", null, null)]);
        var expectation = ledger.InsightExpectations()[Provider];

        // Counted after all: its sent tally in BR, its delivery moved out of unknown into BR, and the time to deliver.
        var served = new DayInsights();
        served.AddCountry("BR", new CountryCounts(1, 1, 0));
        served.Latency[LatencyBuckets.Of(30)]++;
        var counted = InsightCheck.Of(Provider, expectation, served);
        Assert.Equal(4, counted.Off);
        Assert.True(counted.Passed);

        served.AddCountry("BR", new CountryCounts(0, 1, 0));
        Assert.False(InsightCheck.Of(Provider, expectation, served).Passed);
    }
}
