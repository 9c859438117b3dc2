using System.Collections.Concurrent;

namespace CallbackPipeline.Load;

/// <summary>
/// Every event the pipeline answered 2xx for, once each, with what the run knows of it (<see cref="EventFacts"/>) and
/// the day it must count on in the account's zone, and the events whose request never got a 2xx although it once got
/// no answer (so it may have been queued), even after it was sent again.
/// </summary>
public sealed class Ledger(TimeZoneInfo zone)
{
    private readonly ConcurrentDictionary<EventKey, (EventFacts Facts, DateOnly? Day)> accepted = new();
    private readonly ConcurrentDictionary<EventKey, byte> uncertain = new();

    /// <summary>
    /// Events of a request built at <paramref name="builtAt"/> and answered 2xx at <paramref name="answeredAt"/>. An event
    /// counts on the day of its own time, or, without one, of the moment the pipeline accepted it, which lies between
    /// the two: its day is known unless they fall on different days.
    /// </summary>
    public void Accept(EventKey[] events, EventFacts[] facts, DateTimeOffset builtAt, DateTimeOffset answeredAt)
    {
        var accept = Day(builtAt) == Day(answeredAt) ? Day(builtAt) : (DateOnly?)null;
        for (var i = 0; i < events.Length; i++)
        {
            var known = facts.Length > 0 ? facts[i] : default;
            accepted.TryAdd(events[i], (known, known.Time is { } time ? Day(time) : accept));
        }
    }

    private DateOnly Day(DateTimeOffset time) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time, zone).DateTime);

    public void Uncertain(EventKey[] events)
    {
        foreach (var e in events) uncertain.TryAdd(e, 0);
    }

    /// <summary>Per provider and counter: how many must be counted, and how many were never answered 2xx (their count is unknown).</summary>
    public Dictionary<(string ProviderId, string Counter), (long Expected, long Uncertain)> Expectations()
    {
        var result = new Dictionary<(string, string), (long, long)>();
        foreach (var key in accepted.Keys)
        {
            var k = (key.ProviderId, key.Counter);
            var (e, u) = result.GetValueOrDefault(k);
            result[k] = (e + 1, u);
        }
        foreach (var key in uncertain.Keys.Where(k => !accepted.ContainsKey(k)))
        {
            var k = (key.ProviderId, key.Counter);
            var (e, u) = result.GetValueOrDefault(k);
            result[k] = (e, u + 1);
        }
        return result;
    }

    /// <summary>
    /// Per provider and counter, the accepted events by the day they must count on, and how many more may count on any
    /// day (timed by the pipeline across midnight).
    /// </summary>
    public Dictionary<(string ProviderId, string Counter), (Dictionary<DateOnly, long> ByDay, long AnyDay)> DayExpectations()
    {
        var result = new Dictionary<(string, string), (Dictionary<DateOnly, long>, long)>();
        foreach (var (key, (_, day)) in accepted)
        {
            var k = (key.ProviderId, key.Counter);
            if (!result.TryGetValue(k, out var known)) result[k] = known = ([], 0);
            if (day is { } d) known.Item1[d] = known.Item1.GetValueOrDefault(d) + 1;
            else result[k] = (known.Item1, known.Item2 + 1);
        }
        return result;
    }

    /// <summary>
    /// Per provider, the insight figures its accepted events add up to (docs/insights.md), from what the run itself
    /// knows and not from the product's code: failures by code and by category; sent, delivered and failed by country,
    /// a delivery or failure taking its sent event's country when it names none; times to deliver by bucket, for the
    /// deliveries whose sent event was accepted. Keys as <see cref="InsightTallies"/> names them.
    /// </summary>
    public Dictionary<string, InsightTallies> InsightExpectations()
    {
        var result = new Dictionary<string, InsightTallies>(StringComparer.Ordinal);
        foreach (var (key, (facts, _)) in accepted)
        {
            if (key.Counter is not ("sent" or "delivered" or "failed")) continue;
            var figures = result.TryGetValue(key.ProviderId, out var known) ? known : result[key.ProviderId] = new InsightTallies();
            var sentFacts = accepted.TryGetValue(key with { Counter = "sent" }, out var sent) ? sent.Facts : (EventFacts?)null;
            var country = facts.Country ?? (key.Counter == "sent" ? null : sentFacts?.Country) ?? "unknown";
            figures.Add(InsightTallies.Country(country, key.Counter));
            if (key.Counter == "delivered" && sentFacts is not null && facts.Delay is { } delay) figures.Add(InsightTallies.Latency(RequestFactory.BucketOf(delay)));
            if (key.Counter == "failed")
            {
                var code = facts.Code ?? "none";
                figures.Add(InsightTallies.Code(code));
                figures.Add(InsightTallies.Category(RequestFactory.CategoryOf(code)));
            }
        }
        return result;
    }
}

/// <summary>
/// One provider's insight figures by name: <c>code 906</c>, <c>category blocked</c>, <c>country IN sent</c>,
/// <c>latency le=5</c> (<c>le=open</c> for the open bucket).
/// </summary>
public sealed class InsightTallies
{
    public Dictionary<string, long> Values { get; } = new(StringComparer.Ordinal);

    public static string Code(string code) => $"code {code}";

    public static string Category(string category) => $"category {category}";

    public static string Country(string country, string counter) => $"country {country} {counter}";

    public static string Latency(long? le) => le is { } bound ? $"latency le={bound}" : "latency le=open";

    public void Add(string figure, long n = 1)
    {
        if (n != 0) Values[figure] = Values.GetValueOrDefault(figure) + n;
    }
}
