using System.Globalization;
using CallbackPipeline.Core.Insights;
using CallbackPipeline.Core.Stats;

namespace CallbackPipeline.Storage.Counting;

/// <summary>A provider's counter deltas and insight tallies cut from Redis under one id, on their way to PostgreSQL.</summary>
public sealed record FlushBatch(string ProviderId, Guid Id, IReadOnlyDictionary<DateOnly, DailyCounts> Days)
{
    /// <summary>The insight tallies of the batch's days (only days that have some).</summary>
    public IReadOnlyDictionary<DateOnly, DayInsights> Insights { get; init; } = new Dictionary<DateOnly, DayInsights>();

    /// <summary>When the oldest delta in the batch was counted: the flush lag is measured from here.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>The traceparent of the latest apply whose deltas the batch carries.</summary>
    public string? TraceParent { get; init; }

    /// <summary>
    /// Reads a batch hash's day fields: <c>&lt;day&gt;:&lt;counter or tally&gt;</c> with counts, and
    /// <c>&lt;day&gt;:e:&lt;code&gt;</c> with a failure code's description.
    /// </summary>
    public static FlushBatch? Parse(string providerId, IReadOnlyList<(string Field, string Value)> fields, Guid? id)
    {
        if (id is not { } batchId) return null;
        var days = new Dictionary<DateOnly, DailyCounts>();
        var insights = new Dictionary<DateOnly, DayInsights>();
        foreach (var (field, value) in fields)
        {
            if (field.Length < 12 || field[10] != ':') continue;
            var day = Redis.ProviderKeys.ParseDay(field[..10]);
            var name = field[11..];
            var tally = insights.TryGetValue(day, out var known) ? known : new DayInsights();
            if (name.StartsWith(DayInsights.DescriptionPrefix, StringComparison.Ordinal))
            {
                tally.Describe(name[DayInsights.DescriptionPrefix.Length..], value);
            }
            else if (!long.TryParse(value, CultureInfo.InvariantCulture, out var count))
            {
                continue;
            }
            else if (!tally.Add(name, count))
            {
                days[day] = days.GetValueOrDefault(day).With(name, count);
                continue;
            }
            insights[day] = tally;
        }
        return new FlushBatch(providerId, batchId, days) { Insights = insights };
    }
}

/// <summary>How writing a flush batch to PostgreSQL ended.</summary>
public enum FlushCommit
{
    Applied,
    AlreadyApplied,
    ProviderGone,
}
