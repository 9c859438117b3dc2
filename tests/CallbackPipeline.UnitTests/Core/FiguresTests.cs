using CallbackPipeline.Core.Stats;

namespace CallbackPipeline.UnitTests.Core;

public sealed class FiguresTests
{
    private static readonly DailyCounts Counts = new(Sent: 1000, Delivered: 950, Failed: 20, Clicks: 130, Clicked: 100, Replies: 4);

    [Fact]
    public void DeliveryRate_IsDeliveredOverSent_WithDeliveryCallbacks() => Assert.Equal(95m, Figures.DeliveryRate(Counts, true));

    [Fact]
    public void DeliveryRate_IsZero_WithoutDeliveryCallbacks() => Assert.Equal(0m, Figures.DeliveryRate(Counts, false));

    [Fact]
    public void Ctr_IsClickedOverDelivered_WithDeliveryCallbacks() => Assert.Equal(10.53m, Figures.Ctr(Counts, true));

    [Fact]
    public void Ctr_IsClickedOverSent_WithoutDeliveryCallbacks() => Assert.Equal(10m, Figures.Ctr(Counts, false));

    [Fact]
    public void DailyAverages_ArePlainCountsPerDay() => Assert.Equal(37.04m, Figures.DailyAverage(1000, 27));

    [Fact]
    public void ZeroDenominators_GiveZero()
    {
        Assert.Equal(0m, Figures.DeliveryRate(default, true));
        Assert.Equal(0m, Figures.Ctr(new DailyCounts(0, 0, 0, 5, 5, 0), true));
        Assert.Equal(0m, Figures.Ctr(new DailyCounts(0, 0, 0, 5, 5, 0), false));
        Assert.Equal(0m, Figures.DailyAverage(10, 0));
    }

    [Theory]
    [InlineData(1, 8, 12.5)]
    [InlineData(1, 3, 33.33)]
    [InlineData(2, 3, 66.67)]
    [InlineData(1, 200, 0.5)]
    [InlineData(1, 16, 6.25)]
    [InlineData(5, 80000, 0.01)]
    public void Percentages_RoundHalfAwayFromZeroToTwoDecimals(long numerator, long denominator, double expected) =>
        Assert.Equal((decimal)expected, Figures.Percent(numerator, denominator));

    [Fact]
    public void Rounding_IsHalfAwayFromZero_NotBankers() => Assert.Equal(0.13m, Figures.Round(0.125m));
}
