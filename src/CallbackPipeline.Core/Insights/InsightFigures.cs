using CallbackPipeline.Core.Providers;
using CallbackPipeline.Core.Stats;

namespace CallbackPipeline.Core.Insights;

/// <summary>
/// The insight figures of a range, from its days' tallies (docs/insights.md): failure reasons by category and code,
/// times to deliver by bucket with their percentiles, and destination countries. Shares and rates are percentages
/// rounded as the stats' are; a share is of <c>failed</c>, the counter, which the codes sum to on every day counted
/// with insights (days counted before have a counter and no codes).
/// </summary>
public static class InsightFigures
{
    /// <summary>How many codes are listed by name; the rest are summed as <see cref="FailureCodes.Other"/>.</summary>
    public const int ListedCodes = 20;

    /// <summary>A range's tallies, its days merged oldest first, so a code's description is the first one sent.</summary>
    public static DayInsights Sum(IReadOnlyDictionary<DateOnly, DayInsights> days)
    {
        var sum = new DayInsights();
        foreach (var day in days.OrderBy(d => d.Key)) sum.Merge(day.Value);
        return sum;
    }

    /// <summary>The categories of a provider kind's failures, largest first (then by name); their shares of <paramref name="failed"/>.</summary>
    public static IReadOnlyList<CategoryFigure> Categories(ProviderKind kind, DayInsights insights, long failed) =>
        [.. insights.Failures
            .GroupBy(f => CategoryOf(kind, f.Key), f => f.Value)
            .Select(g => new CategoryFigure(g.Key, g.Sum(), Figures.Percent(g.Sum(), failed)))
            .OrderByDescending(c => c.Failed).ThenBy(c => c.Category, StringComparer.Ordinal)];

    /// <summary>The <see cref="ListedCodes"/> largest codes (then by code), and the rest summed as one last <c>other</c>.</summary>
    public static IReadOnlyList<CodeFigure> Codes(ProviderKind kind, DayInsights insights, long failed)
    {
        var named = insights.Failures.Where(f => f.Key != FailureCodes.Other)
            .OrderByDescending(f => f.Value).ThenBy(f => f.Key, StringComparer.Ordinal).ToList();
        var listed = named.Take(ListedCodes).Select(f =>
        {
            var (category, description) = FailureCodes.Lookup(kind, f.Key);
            return new CodeFigure(f.Key, description ?? insights.Descriptions.GetValueOrDefault(f.Key) ?? "", category, f.Value, Figures.Percent(f.Value, failed));
        }).ToList();
        var rest = named.Skip(ListedCodes).Sum(f => f.Value) + insights.Failures.GetValueOrDefault(FailureCodes.Other);
        if (rest > 0) listed.Add(new CodeFigure(FailureCodes.Other, "", FailureCategories.Unknown, rest, Figures.Percent(rest, failed)));
        return listed;
    }

    /// <summary>The largest category, or null when nothing failed.</summary>
    public static CategoryFigure? TopFailure(ProviderKind kind, DayInsights insights, long failed) => Categories(kind, insights, failed).FirstOrDefault();

    /// <summary>Messages timed, and the 50th, 90th and 99th percentiles by the bucket rule.</summary>
    public static LatencyFigure Latency(DayInsights insights) => new(
        insights.Latency.Sum(),
        LatencyBuckets.Percentile(insights.Latency, 0.5),
        LatencyBuckets.Percentile(insights.Latency, 0.9),
        LatencyBuckets.Percentile(insights.Latency, 0.99));

    /// <summary>Countries by sent (then by code), each with its delivery rate as the stats compute it.</summary>
    public static IReadOnlyList<CountryFigure> Countries(DayInsights insights, bool deliveryCallbacks) =>
        [.. insights.Countries
            .Select(c => new CountryFigure(c.Key, c.Value.Sent, c.Value.Delivered, c.Value.Failed,
                Figures.DeliveryRate(new DailyCounts(c.Value.Sent, c.Value.Delivered, c.Value.Failed, 0, 0, 0), deliveryCallbacks)))
            .OrderByDescending(c => c.Sent).ThenBy(c => c.Country, StringComparer.Ordinal)];

    private static string CategoryOf(ProviderKind kind, string code) =>
        code == FailureCodes.Other ? FailureCategories.Unknown : FailureCodes.Lookup(kind, code).Category;
}

public sealed record CategoryFigure(string Category, long Failed, decimal Share);

public sealed record CodeFigure(string Code, string Description, string Category, long Failed, decimal Share);

public sealed record LatencyFigure(long Messages, long? P50, long? P90, long? P99);

public sealed record CountryFigure(string Country, long Sent, long Delivered, long Failed, decimal DeliveryRate);
