using System.ComponentModel.DataAnnotations;

namespace CallbackPipeline.Api.Stats;

/// <summary>Section <c>Stats</c>: how long a stats answer may be served again before it is read afresh.</summary>
public sealed class StatsOptions
{
    public const string Section = "Stats";

    /// <summary>An answer older than this is still served, while one read runs in the background to replace it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan RefreshAfter { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>No answer older than this is served: the request reads afresh. Zero turns the cache off.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Answers kept at most; past it, the ones older than <see cref="MaxAge"/> are dropped.</summary>
    [Range(1, 1_000_000)]
    public int MaxEntries { get; set; } = 10_000;
}
