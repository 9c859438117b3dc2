using StackExchange.Redis;

namespace CallbackPipeline.Storage.Redis;

/// <summary>
/// Every Redis key name. A provider's keys share the hash tag <c>{providerId}</c>, so each script that touches them
/// runs on one Redis Cluster slot.
/// </summary>
public sealed class RedisKeys(string prefix)
{
    public RedisKey Stream { get; } = $"{prefix}:queue";

    public RedisKey DeadLetters { get; } = $"{prefix}:dead";

    /// <summary>The providers with deltas to flush (FlushIndex); its keys share the hash tag <c>{flush}</c>.</summary>
    public RedisKey FlushIndex { get; } = $"{prefix}:{{flush}}:index";

    /// <summary>Which providers a worker is flushing, with the deadline of its lease.</summary>
    public RedisKey FlushClaims { get; } = $"{prefix}:{{flush}}:claims";

    /// <summary>Set once the index lists every provider that had deltas before it existed.</summary>
    public RedisKey FlushIndexBuilt { get; } = $"{prefix}:{{flush}}:built";

    public ProviderKeys Provider(string providerId) => new($"{prefix}:{{{providerId}}}");
}
