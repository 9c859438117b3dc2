using CallbackPipeline.Api.Stats;

namespace CallbackPipeline.UnitTests.Core;

public sealed class StatsRangeTests
{
    private static readonly DateOnly Today = new(2026, 11, 27);

    [Theory]
    [InlineData(null, null, "2026-11-21", "2026-11-27")]
    [InlineData("2026-11-01", null, "2026-11-01", "2026-11-07")]
    [InlineData(null, "2026-11-10", "2026-11-04", "2026-11-10")]
    [InlineData("2026-11-01", "2026-11-27", "2026-11-01", "2026-11-27")]
    [InlineData("2026-11-27", "2026-11-27", "2026-11-27", "2026-11-27")]
    [InlineData("2025-11-27", "2026-11-27", "2025-11-27", "2026-11-27")]
    public void ResolvesTheRange(string? from, string? to, string expectedFrom, string expectedTo)
    {
        Assert.True(StatsRange.TryParse(from, to, Today, out var range, out var errors), string.Join("; ", errors.Keys));
        Assert.Equal(DateOnly.Parse(expectedFrom), range.From);
        Assert.Equal(DateOnly.Parse(expectedTo), range.To);
        Assert.Equal(range.Dates().Count(), range.Days);
    }

    [Theory]
    [InlineData("2026-11-28", "2026-11-27", "from", "after")]
    [InlineData("2026-11-28", "2026-11-27", "to", "after")]
    [InlineData("2026-02-30", null, "from", "not a date")]
    [InlineData("27-11-2026", null, "from", "not a date")]
    [InlineData(null, "2026/11/27", "to", "not a date")]
    [InlineData("1999-12-31", null, "from", "from 2000-01-01 to 9998-12-31")]
    [InlineData(null, "9999-01-01", "to", "from 2000-01-01 to 9998-12-31")]
    [InlineData("2025-11-26", "2026-11-27", "to", "366")]
    public void RefusesBadRanges_NamingTheField(string? from, string? to, string field, string message)
    {
        Assert.False(StatsRange.TryParse(from, to, Today, out _, out var errors));
        Assert.Contains(message, Assert.Single(errors[field]), StringComparison.Ordinal);
    }

    [Fact]
    public void ReportsBothDates_WhenBothAreWrong()
    {
        Assert.False(StatsRange.TryParse("x", "2026-13-01", Today, out _, out var errors));
        Assert.Equal(["from", "to"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AcceptsTheFirstAndLastDates()
    {
        Assert.True(StatsRange.TryParse("2000-01-01", null, Today, out var first, out _));
        Assert.Equal(new DateOnly(2000, 1, 7), first.To);
        Assert.True(StatsRange.TryParse(null, "9998-12-31", Today, out var last, out _));
        Assert.Equal(new DateOnly(9998, 12, 25), last.From);
    }
}
