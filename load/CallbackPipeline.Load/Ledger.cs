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
    /// them, if they were counted after all (<see cref="Allowance"/>).
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
            result[key.ProviderId] = known with { Allowed = known.Allowed + Allowance(key, facts) };
        }
        return result;
    }

    /// <summary>
    /// How many insight tallies an event without an answer changes if it was counted: a sent event its country's sent
    /// tally, a time to deliver when its message's delivery was accepted, and, when it names a country, two for each
    /// accepted delivery or failure of its message that names none (moved out of <c>unknown</c> into its country); a
    /// delivery its country's tally, and a time to deliver when its sent event was accepted or is without an answer
    /// too; a failure its country's tally and its code's. Clicks and replies have no insights.
    /// </summary>
    private long Allowance(EventKey key, EventFacts facts)
    {
        bool Accepted(string counter) => accepted.ContainsKey(key with { Counter = counter });
        switch (key.Counter)
        {
            case "sent":
                var inheriting = facts.Country is null
                    ? 0
                    : new[] { "delivered", "failed" }.Count(c => accepted.TryGetValue(key with { Counter = c }, out var f) && f.Country is null);
                return 1 + (Accepted("delivered") ? 1 : 0) + (2 * inheriting);
            case "delivered":
                return 1 + (Accepted("sent") || uncertain.ContainsKey(key with { Counter = "sent" }) ? 1 : 0);
            case "failed":
                return 2;
            default:
                return 0;
        }
    }
}

/// <summary>What one provider's insights must add up to, and how far the events without an answer may move them.</summary>
public sealed record InsightExpectation(DayInsights Expected, long Allowed);
