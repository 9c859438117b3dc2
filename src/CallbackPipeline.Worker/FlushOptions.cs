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
}
