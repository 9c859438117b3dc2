using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Counting;

/// <summary>
/// Removes a deleted provider's Redis data: counters, pending flush batch and failure-code registries go at once, and a marker makes every
/// event still in the queue count nothing. Dedup records expire with the window.
/// </summary>
public sealed class ProviderDataCleaner(IConnectionMultiplexer redis, RedisKeys keys, IOptions<CountingOptions> options)
{
    public async Task ForgetAsync(string providerId, CancellationToken cancellationToken)
    {
        try
        {
            var provider = keys.Provider(providerId);
            var markerLifetime = (long)(options.Value.DedupWindow + TimeSpan.FromDays(1)).TotalSeconds;
            await redis.GetDatabase().ScriptEvaluateAsync(
                LuaScripts.Forget,
                [provider.Gone, provider.Dirty, provider.Batch, provider.FailureCodeDays],
                [markerLifetime, provider.CounterPrefix, provider.FailureCodesPrefix]);
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }
}
