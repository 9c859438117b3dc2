using CallbackPipeline.Core.Insights;
using CallbackPipeline.Core.Stats;

namespace CallbackPipeline.Storage.Stats;

/// <summary>One provider's figures of a range, by day: the counters, and (when read with them) the insight tallies.</summary>
public sealed class ProviderDays
{
    public Dictionary<DateOnly, DailyCounts> Counts { get; } = [];

    public Dictionary<DateOnly, DayInsights> Insights { get; } = [];

    public DayInsights InsightsOf(DateOnly day) => Insights.TryGetValue(day, out var known) ? known : Insights[day] = new DayInsights();

    public void Add(DateOnly day, DailyCounts counts) => Counts[day] = Counts.GetValueOrDefault(day) + counts;

    public void Add(DateOnly day, DayInsights insights) => InsightsOf(day).Merge(insights);
}
