using CallbackPipeline.Core.Events;

namespace CallbackPipeline.UnitTests.Core;

public sealed class EventClockTests
{
    private static readonly TimeZoneInfo Kolkata = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo Adelaide = TimeZoneInfo.FindSystemTimeZoneById("Australia/Adelaide");

    private static DateOnly Day(string utc, TimeZoneInfo zone) =>
        EventClock.DayIn(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), zone);

    [Theory]
    [InlineData("2026-11-26T18:29:59Z", "2026-11-26")]
    [InlineData("2026-11-26T18:30:00Z", "2026-11-27")]
    [InlineData("2026-11-26T20:00:00Z", "2026-11-27")]
    public void Kolkata_IsFiveAndAHalfHoursAhead(string utc, string day) => Assert.Equal(DateOnly.Parse(day), Day(utc, Kolkata));

    [Theory]
    [InlineData("2026-03-08T04:59:59Z", "2026-03-07")] // 23:59:59 EST
    [InlineData("2026-03-08T05:00:00Z", "2026-03-08")] // 00:00 EST
    [InlineData("2026-03-08T07:30:00Z", "2026-03-08")] // 03:30 EDT, after the skipped hour
    [InlineData("2026-03-09T03:59:59Z", "2026-03-08")] // 23:59:59 EDT: the spring day is 23 hours long
    [InlineData("2026-03-09T04:00:00Z", "2026-03-09")]
    [InlineData("2026-11-01T03:59:59Z", "2026-10-31")] // 23:59:59 EDT
    [InlineData("2026-11-01T04:00:00Z", "2026-11-01")]
    [InlineData("2026-11-01T06:30:00Z", "2026-11-01")] // the second 01:30, EST
    [InlineData("2026-11-02T04:59:59Z", "2026-11-01")] // 23:59:59 EST: the autumn day is 25 hours long
    [InlineData("2026-11-02T05:00:00Z", "2026-11-02")]
    public void NewYork_DaylightSavingDays(string utc, string day) => Assert.Equal(DateOnly.Parse(day), Day(utc, NewYork));

    [Fact]
    public void HalfHourZonesWithDaylightSaving_AreRight() =>
        Assert.Equal(new DateOnly(2026, 1, 2), Day("2026-01-01T13:30:00Z", Adelaide)); // 00:00 ACDT (+10:30)

    [Fact]
    public void AnEventTimeMoreThanAnHourAhead_IsReplacedByTheAcceptTime()
    {
        var accepted = new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal(accepted, EventClock.Effective(accepted.AddHours(1).AddSeconds(1), accepted));
        Assert.Equal(accepted.AddMinutes(59), EventClock.Effective(accepted.AddMinutes(59), accepted));
        Assert.Equal(accepted.AddDays(-3), EventClock.Effective(accepted.AddDays(-3), accepted));
        Assert.Equal(accepted, EventClock.Effective(null, accepted));
    }
}
