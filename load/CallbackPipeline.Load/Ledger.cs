using System.Collections.Concurrent;
using CallbackPipeline.Core.Insights;

namespace CallbackPipeline.Load;

/// <summary>
/// Every event the pipeline answered 2xx for, once each, with what the run knows of it (<see cref="EventFacts"/>), and
/// the events whose request got no answer.
/// </summary>
public sealed class Ledger
{
    private readonly ConcurrentDictionary<EventKey, EventFacts> accepted = new();
    private readonly ConcurrentDictionary<EventKey, EventFacts> uncertain = new();

    public void Accept(EventKey[] events, EventFacts[]? facts = null)
    {
        for (var i = 0; i < events.Length; i++) accepted.TryAdd(events[i], facts is { Length: > 0 } ? facts[i] : default);
    }

    public void Uncertain(EventKey[] events, EventFacts[]? facts = null)
    {
        for (var i = 0; i < events.Length; i++) uncertain.TryAdd(events[i], facts is { Length: > 0 } ? facts[i] : default);
    }

    /// <summary>Per provider and counter: how many must be counted, and how many more may be.</summary>
    public Dictionary<(string ProviderId, string Counter), (long Expected, long Maybe)> Expectations()
    {
        var result = new Dictionary<(string, string), (long, long)>();
        foreach (var key in accepted.Keys)
        {
            var k = (key.ProviderId, key.Counter);
            var (e, m) = result.GetValueOrDefault(k);
            result[k] = (e + 1, m);
        }
        foreach (var key in uncertain.Keys.Where(k => !accepted.ContainsKey(k)))
        {
            var k = (key.ProviderId, key.Counter);
            var (e, m) = result.GetValueOrDefault(k);
            result[k] = (e, m + 1);
        }
        return result;
    }

    /// <summary>
    /// Per provider, the insight tallies the accepted events must add up to (docs/insights.md): failures by code; sent,
    /// delivered and failed by country, a delivery or failure taking its sent event's country when it names none; times
    /// to deliver for the deliveries whose sent event was accepted. Also how far the events without an answer may move
    /// them: one tally each, and a sent event that names a country two more (out of <c>unknown</c>, into its country)
    /// for each accepted delivery or failure of its message that names none.
    /// </summary>
    public Dictionary<string, InsightExpectation> InsightExpectations()
    {
        var result = new Dictionary<string, InsightExpectation>(StringComparer.Ordinal);
        InsightExpectation Of(string provider) => result.TryGetValue(provider, out var known) ? known : result[provider] = new InsightExpectation(new DayInsights(), 0);
        foreach (var (key, facts) in accepted)
        {
            var tally = Of(key.ProviderId).Expected;
            var sentFacts = accepted.TryGetValue(key with { Counter = "sent" }, out var sent) ? sent : (EventFacts?)null;
            var country = facts.Country ?? (key.Counter == "sent" ? null : sentFacts?.Country) ?? Countries.Unknown;
            switch (key.Counter)
            {
                case "sent":
                    tally.AddCountry(country, new CountryCounts(1, 0, 0));
                    break;
                case "delivered":
                    tally.AddCountry(country, new CountryCounts(0, 1, 0));
                    if (sentFacts is not null && facts.Delay is { } delay) tally.Latency[LatencyBuckets.Of(delay)]++;
                    break;
                case "failed":
                    tally.AddCountry(country, new CountryCounts(0, 0, 1));
                    tally.AddFailure(facts.Code ?? FailureCodes.None, 1);
                    break;
            }
        }
        foreach (var (key, facts) in uncertain.Where(u => !accepted.ContainsKey(u.Key)))
        {
            var known = Of(key.ProviderId);
            var inheriting = key.Counter == "sent" && facts.Country is not null
                ? new[] { "delivered", "failed" }.Count(c => accepted.TryGetValue(key with { Counter = c }, out var f) && f.Country is null)
                : 0;
            result[key.ProviderId] = known with { Allowed = known.Allowed + 1 + (2 * inheriting) };
        }
        return result;
    }
}

/// <summary>What one provider's insights must add up to, and how far the events without an answer may move them.</summary>
public sealed record InsightExpectation(DayInsights Expected, long Allowed);
