using CallbackPipeline.Core.Stats;
using CallbackPipeline.Storage.Redis;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Counting;

/// <summary>
/// Rebuilds a provider's daily counts from its dedup records, whose values hold the day and the counter each record
/// counted on (<see cref="DedupRecord"/>). Records live for the dedup window, so the days inside it can be recounted;
/// older days cannot.
/// </summary>
public sealed class Recounter(IConnectionMultiplexer redis, RedisKeys keys)
{
    public async Task<Dictionary<DateOnly, DailyCounts>> RecountAsync(string providerId, CancellationToken cancellationToken)
    {
        try
        {
            var days = new Dictionary<DateOnly, DailyCounts>();
            var db = redis.GetDatabase();
            var pattern = keys.Provider(providerId).DedupBuckets;
            // SCAN may return a key more than once.
            var seen = new HashSet<RedisKey>();
            foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
            {
                await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: 1000).WithCancellation(cancellationToken))
                {
                    if (!seen.Add(key)) continue;
                    foreach (var field in await db.HashGetAllAsync(key))
                    {
                        if (!field.Value.TryParse(out long value) || DedupRecord.Parse(value) is not { } record) continue;
                        days[record.Day] = days.GetValueOrDefault(record.Day).With(record.Counter, 1);
                    }
                }
            }
            return days;
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }
}
