using System.Collections.Concurrent;

namespace CallbackPipeline.Api.Accounts;

/// <summary>IANA time zones by name, resolved once each.</summary>
public static class TimeZones
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo?> Cache = new(StringComparer.Ordinal);

    public static bool IsKnown(string name) => Find(name) is not null;

    public static TimeZoneInfo Get(string name) => Find(name) ?? throw new TimeZoneNotFoundException(name);

    private static TimeZoneInfo? Find(string name) => Cache.GetOrAdd(name, static n =>
        n.Length is > 0 and <= 64 && TimeZoneInfo.TryFindSystemTimeZoneById(n, out var zone) && zone.HasIanaId ? zone : null);
}
