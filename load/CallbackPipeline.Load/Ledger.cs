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
    private readonly ConcurrentDictionary<EventKey, byte> uncertain = new();

    public void Accept(EventKey[] events, EventFacts[]? facts = null)
    {
        for (var i = 0; i < events.Length; i++) accepted.TryAdd(events[i], facts is { Length: > 0 } ? facts[i] : default);
    }

    public void Uncertain(EventKey[] events)
    {
        foreach (var e in events) uncertain.TryAdd(e, 0);
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
    /// to deliver for the deliveries whose sent event was accepted. Also which of those deliveries and failures took
    /// their country from their sent event, and how many events of the provider got no answer: each may move a tally by one.
    /// </summary>
    public Dictionary<string, InsightExpectation> InsightExpectations()
    {
        var result = new Dictionary<string, InsightExpectation>(StringComparer.Ordinal);
        InsightExpectation Of(string provider) => result.TryGetValue(provider, out var known) ? known : result[provider] = new InsightExpectation(new DayInsights(), [], 0);
        foreach (var (key, facts) in accepted)
        {
            var (tally, inherited, _) = Of(key.ProviderId);
            var sentFacts = accepted.TryGetValue(key with { Counter = "sent" }, out var sent) ? sent : (EventFacts?)null;
            var country = facts.Country ?? (key.Counter == "sent" ? null : sentFacts?.Country) ?? Countries.Unknown;
            var fromSent = key.Counter != "sent" && facts.Country is null && sentFacts?.Country is not null;
            switch (key.Counter)
            {
                case "sent":
                    tally.AddCountry(country, new CountryCounts(1, 0, 0));
                    break;
                case "delivered":
                    tally.AddCountry(country, new CountryCounts(0, 1, 0));
                    if (fromSent) inherited[country] = inherited.GetValueOrDefault(country) + new CountryCounts(0, 1, 0);
                    if (sentFacts is not null && facts.Delay is { } delay) tally.Latency[LatencyBuckets.Of(delay)]++;
                    break;
                case "failed":
                    tally.AddCountry(country, new CountryCounts(0, 0, 1));
                    if (fromSent) inherited[country] = inherited.GetValueOrDefault(country) + new CountryCounts(0, 0, 1);
                    tally.AddFailure(facts.Code ?? FailureCodes.None, 1);
                    break;
            }
        }
        foreach (var key in uncertain.Keys.Where(k => !accepted.ContainsKey(k)))
        {
            var known = Of(key.ProviderId);
            result[key.ProviderId] = known with { Uncertain = known.Uncertain + 1 };
        }
        return result;
    }
}

/// <summary>What one provider's insights must add up to.</summary>
/// <param name="Expected">The tallies, each delivery and failure under the country it takes from its sent event.</param>
/// <param name="Inherited">
/// Per country, the deliveries and failures that name no destination and take their sent event's. One counted before
/// its sent event (which a redelivery after a crash can do: the sent event's stream entry comes back after the
/// callback's) has no country to take and counts under <c>unknown</c> instead, as docs/insights.md says.
/// </param>
/// <param name="Uncertain">Events of the provider that got no answer.</param>
public sealed record InsightExpectation(DayInsights Expected, Dictionary<string, CountryCounts> Inherited, long Uncertain);
