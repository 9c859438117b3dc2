using System.ComponentModel.DataAnnotations;

namespace CallbackPipeline.Storage.Counting;

/// <summary>Section <c>Counting</c>.</summary>
public sealed class CountingOptions
{
    public const string Section = "Counting";

    /// <summary>
    /// How long dedup records live, and how late an event may arrive and still count (one setting: docs/architecture.md).
    /// Longer than any provider's retry horizon (72 h).
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "90.00:00:00")]
    public TimeSpan DedupWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How many dedup buckets (2 to this power) a provider's first generation of records gets. Later generations are
    /// sized from the one before (count.lua); a provider that will take far more than 64 × 2^bits records in its first
    /// window only costs more memory per record until its second.
    /// </summary>
    [Range(0, 20)]
    public int DedupFirstBucketBits { get; set; } = 8;

    /// <summary>
    /// Dedup generations per window (count.lua). With k of them Redis holds between 1 and 1 + 1/k windows of records,
    /// and a new record is looked for in k + 1 generations.
    /// </summary>
    [Range(1, 7)]
    public int DedupGenerations { get; set; } = 2;
}
