using System.ComponentModel.DataAnnotations;

namespace CallbackPipeline.Storage.Counting;

/// <summary>Section <c>Counting</c>.</summary>
public sealed class CountingOptions
{
    public const string Section = "Counting";

    /// <summary>
    /// How long dedup records live, and how late an event may arrive and still count (one setting: design.md).
    /// Longer than any provider's retry horizon (72 h).
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "90.00:00:00")]
    public TimeSpan DedupWindow { get; set; } = TimeSpan.FromDays(7);
}
