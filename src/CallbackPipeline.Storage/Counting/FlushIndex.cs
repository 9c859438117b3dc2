using CallbackPipeline.Storage.Redis;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Counting;

/// <summary>
/// The providers with deltas to flush, so a flush pass costs what the active providers cost, not what all of them do
/// (docs/architecture.md, "Flushing to PostgreSQL"). The counter lists a provider after its script has run and before the
/// events are acknowledged, so a worker that stops in between leaves events that come back and list it again. A
/// flusher claims providers with a lease, flushes them, lists again those that got new deltas meanwhile, and releases
/// them; a lease that runs out (its worker stopped) is taken by the next claim.
/// </summary>
public sealed class FlushIndex(IConnectionMultiplexer redis, RedisKeys keys, ReplicatedWrites writes)
{
    /// <summary>
    /// Lists providers as having deltas to flush. Made on <see cref="ReplicatedWrites.Database"/>, so the counter
    /// confirms it on the replicas with the counts, before their events are acknowledged.
    /// </summary>
    public async Task AddAsync(IReadOnlyCollection<string> providerIds)
    {
        if (providerIds.Count == 0) return;
        try
        {
            await writes.Database.SetAddAsync(keys.FlushIndex, providerIds.Select(id => (RedisValue)id).ToArray());
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>
    /// Lists every provider once, on the first pass after the index came to exist (an upgrade from a build without it,
    /// or a Redis that lost its data): deltas counted before then are flushed too. Returns whether it listed them.
    /// </summary>
    public async Task<bool> BuildOnceAsync(Func<Task<IReadOnlyList<string>>> allProviderIds)
    {
        try
        {
            var db = redis.GetDatabase();
            if (await db.KeyExistsAsync(keys.FlushIndexBuilt)) return false;
            foreach (var chunk in (await allProviderIds()).Chunk(1000)) await AddAsync(chunk);
            await db.StringSetAsync(keys.FlushIndexBuilt, "1");
            return true;
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>Claims up to <paramref name="count"/> providers for <paramref name="lease"/>.</summary>
    public async Task<FlushClaim> ClaimAsync(int count, TimeSpan lease)
    {
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
                LuaScripts.FlushClaim, [keys.FlushIndex, keys.FlushClaims], [count, (long)lease.TotalMilliseconds]))!;
            var ids = ((RedisResult[])result[2]!).Select(id => (string)id!).ToArray();
            return new FlushClaim((long)result[0], (long)result[1], ids);
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>
    /// Ends the claim on a provider, listing it again when it holds deltas or a batch (new events while it was
    /// flushed, or a flush that failed).
    /// </summary>
    public async Task ReleaseAsync(FlushClaim claim, string providerId)
    {
        try
        {
            var db = redis.GetDatabase();
            var provider = keys.Provider(providerId);
            var pending = await db.KeyExistsAsync([provider.Dirty, provider.Batch]) > 0;
            await db.ScriptEvaluateAsync(
                LuaScripts.FlushRelease, [keys.FlushIndex, keys.FlushClaims], [providerId, claim.Deadline, pending ? "1" : "0"]);
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>How many providers are listed and how many are claimed.</summary>
    public async Task<(long Listed, long Claimed)> SizeAsync()
    {
        try
        {
            var db = redis.GetDatabase();
            return (await db.SetLengthAsync(keys.FlushIndex), await db.SortedSetLengthAsync(keys.FlushClaims));
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }
}
