namespace CallbackPipeline.Core.Events;

/// <summary>Turns a provider's event time into the time and day an event counts on (docs/architecture.md, "The rules").</summary>
public static class EventClock
{
    /// <summary>Event times further ahead than this are clock skew, not the future: the accept time replaces them.</summary>
    public static readonly TimeSpan FutureTolerance = TimeSpan.FromHours(1);

    /// <summary>The event time to count with: the provider's, unless missing or more than an hour in the future.</summary>
    public static DateTimeOffset Effective(DateTimeOffset? eventTime, DateTimeOffset acceptedAt) =>
        eventTime is { } t && t <= acceptedAt + FutureTolerance ? t : acceptedAt;

    /// <summary>The calendar date of <paramref name="time"/> in <paramref name="zone"/>, DST and half-hour offsets included.</summary>
    public static DateOnly DayIn(DateTimeOffset time, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time, zone).DateTime);

    /// <summary>Today in <paramref name="zone"/>.</summary>
    public static DateOnly Today(TimeProvider clock, TimeZoneInfo zone) => DayIn(clock.GetUtcNow(), zone);
}
