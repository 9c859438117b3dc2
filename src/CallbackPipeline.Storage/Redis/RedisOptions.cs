using System.ComponentModel.DataAnnotations;

namespace CallbackPipeline.Storage.Redis;

/// <summary>Section <c>Redis</c>: how this deployment's keys are named, and how often its memory policy is checked.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>Prefix of every key, so several deployments (or test runs) can share one Redis.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "Redis:KeyPrefix must be 1 to 64 letters, digits, '_', '.' or '-'.")]
    public string KeyPrefix { get; set; } = "cbp";

    /// <summary>How often every process re-reads whether a Redis primary may evict keys (<see cref="RedisEviction"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan EvictionCheck { get; set; } = TimeSpan.FromSeconds(5);
}
