using System.Collections.Concurrent;

namespace CallbackPipeline.Load;

/// <summary>
/// Every event the pipeline answered 2xx for, once each, with what the run knows of it (<see cref="EventFacts"/>), and
/// the events whose request never got a 2xx although it once got no answer (so it may have been queued), even after it
/// was sent again.
/// </summary>
public sealed class Ledger
{
    private readonly ConcurrentDictionary<EventKey, EventFacts> accepted = new();
    private readonly ConcurrentDictionary<EventKey, byte> uncertain = new();

    public void Accept(EventKey[] events, EventFacts[]? facts = null)
    {
        for (var i = 0; i < events.Length; i++) accepted.TryAdd(events[i], facts is { Length: > 0 } ? facts[i] : default);
    }

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
    /// Per provider, the insight figures its accepted events add up to (docs/insights.md), from what the run itself
    /// knows and not from the product's code: failures by code and by category; sent, delivered and failed by country,
    /// a delivery or failure taking its sent event's country when it names none; times to deliver by bucket, for the
    /// deliveries whose sent event was accepted. Keys as <see cref="InsightTallies"/> names them.
    /// </summary>
    public Dictionary<string, InsightTallies> InsightExpectations()
    {
        var result = new Dictionary<string, InsightTallies>(StringComparer.Ordinal);
        foreach (var (key, facts) in accepted)
        {
            if (key.Counter is not ("sent" or "delivered" or "failed")) continue;
            var figures = result.TryGetValue(key.ProviderId, out var known) ? known : result[key.ProviderId] = new InsightTallies();
            var sentFacts = accepted.TryGetValue(key with { Counter = "sent" }, out var sent) ? sent : (EventFacts?)null;
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
