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
        Assert.True(StatsRange.TryParse(from, to, Today, out var range, out var error), error);
        Assert.Equal(DateOnly.Parse(expectedFrom), range.From);
        Assert.Equal(DateOnly.Parse(expectedTo), range.To);
        Assert.Equal(range.Dates().Count(), range.Days);
    }

    [Theory]
    [InlineData("2026-11-28", "2026-11-27", "after")]
    [InlineData("2026-02-30", null, "not a date")]
    [InlineData("27-11-2026", null, "not a date")]
    [InlineData(null, "2026/11/27", "not a date")]
    [InlineData("2025-11-26", "2026-11-27", "366")]
    public void RefusesBadRanges(string? from, string? to, string message)
    {
        Assert.False(StatsRange.TryParse(from, to, Today, out _, out var error));
        Assert.Contains(message, error);
    }
}
