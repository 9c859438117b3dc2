namespace CallbackPipeline.Core.Insights;

/// <summary>
/// The fixed buckets of time to deliver: upper bounds 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600, 7200,
/// 21600, 86400 and 259200 seconds, then the open bucket. A bucket holds the times above the bound before it, up to
/// and including its own.
/// </summary>
public static class LatencyBuckets
{
    public static readonly long[] Bounds = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400, 259200];

    /// <summary>Buckets in all, the open one included.</summary>
    public static int Count => Bounds.Length + 1;

    /// <summary>The bucket of a time to deliver in seconds (below 0 is 0).</summary>
    public static int Of(long seconds)
    {
        for (var i = 0; i < Bounds.Length; i++)
        {
            if (seconds <= Bounds[i]) return i;
        }
        return Bounds.Length;
    }

    /// <summary>A bucket's upper bound; null for the open one.</summary>
    public static long? Bound(int bucket) => bucket < Bounds.Length ? Bounds[bucket] : null;

    /// <summary>
    /// Percentile <paramref name="q"/> of bucket counts: the bound of the first bucket whose running sum reaches
    /// ceil(q × messages); null when that is the open bucket, or when there are no messages.
    /// </summary>
    public static long? Percentile(IReadOnlyList<long> counts, double q)
    {
        var messages = counts.Sum();
        if (messages == 0) return null;
        var rank = (long)Math.Ceiling(q * messages);
        var running = 0L;
        for (var i = 0; i < counts.Count; i++)
        {
            running += counts[i];
            if (running >= rank) return Bound(i);
        }
        return null;
    }
}
