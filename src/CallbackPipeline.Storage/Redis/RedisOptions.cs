using System.ComponentModel.DataAnnotations;

namespace CallbackPipeline.Storage.Redis;

/// <summary>
/// Section <c>Redis</c>: how this deployment's keys are named, how often its memory policy is checked, and how many
/// replicas must have a write before it is relied on.
/// </summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>Prefix of every key, so several deployments (or test runs) can share one Redis.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "Redis:KeyPrefix must be 1 to 64 letters, digits, '_', '.' or '-'.")]
    public string KeyPrefix { get; set; } = "cbp";

    /// <summary>How often every process re-reads whether a Redis primary may evict keys (<see cref="RedisEviction"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan EvictionCheck { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Replicas that must acknowledge a queued callback before it is answered 2xx, a batch's counts before its messages
    /// are acknowledged, and a cut batch before it is committed (<see cref="ReplicatedWrites"/>); 0 relies on the primary
    /// alone, which an unplanned failover may undo.
    /// </summary>
    [Range(0, 16)]
    public int WaitForReplicas { get; set; }

    /// <summary>
    /// How long such a write waits for its replicas; past it the callback is answered 503, the batch comes back later and
    /// the flush is retried.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan ReplicaTimeout { get; set; } = TimeSpan.FromSeconds(1);
}
