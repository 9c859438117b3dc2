using System.ComponentModel.DataAnnotations;

namespace CallbackPipeline.Worker;

/// <summary>Section <c>Flush</c>.</summary>
public sealed class FlushOptions
{
    public const string Section = "Flush";

    /// <summary>How often counter deltas move from Redis to PostgreSQL.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between retries while PostgreSQL is down.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How many providers a worker claims from the flush index at a time.</summary>
    [Range(1, 10_000)]
    public int ClaimSize { get; set; } = 100;

    /// <summary>How many of a claim's providers a worker flushes at once.</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 4;

    /// <summary>
    /// How long a claim keeps other workers off its providers. A worker that stops mid-pass leaves its claims to the
    /// first pass after they run out (until then its providers' stats stay exact from Redis, only PostgreSQL lags);
    /// a flush slower than this may meet another worker's, which is safe (batch ids).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(15);
}
