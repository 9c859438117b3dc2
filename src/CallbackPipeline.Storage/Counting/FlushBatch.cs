using CallbackPipeline.Core.Stats;

namespace CallbackPipeline.Storage.Counting;

/// <summary>A provider's counter deltas cut from Redis under one id, on their way to PostgreSQL.</summary>
public sealed record FlushBatch(string ProviderId, Guid Id, IReadOnlyDictionary<DateOnly, DailyCounts> Days)
{
    /// <summary>When the oldest delta in the batch was counted: the flush lag is measured from here.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>The traceparent of the latest apply whose deltas the batch carries.</summary>
    public string? TraceParent { get; init; }

    /// <summary>Reads a batch hash: fields <c>&lt;day&gt;:&lt;counter&gt;</c> and <c>_id</c>.</summary>
    public static FlushBatch? Parse(string providerId, IReadOnlyList<(string Field, long Value)> fields, Guid? id)
    {
        var days = new Dictionary<DateOnly, DailyCounts>();
        foreach (var (field, value) in fields)
        {
            var colon = field.IndexOf(':', StringComparison.Ordinal);
            if (colon != 10) continue;
            var day = Redis.ProviderKeys.ParseDay(field[..colon]);
            days[day] = days.GetValueOrDefault(day).With(field[(colon + 1)..], value);
        }
        return id is { } batchId ? new FlushBatch(providerId, batchId, days) : null;
    }
}

/// <summary>How writing a flush batch to PostgreSQL ended.</summary>
public enum FlushCommit
{
    Applied,
    AlreadyApplied,
    ProviderGone,
}
