using CallbackPipeline.Core.Stats;
using CallbackPipeline.Storage.Redis;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Counting;

/// <summary>
/// Rebuilds a provider's daily counts from its dedup records, which hold the day each event was counted on.
/// Records live for the dedup window, so the days inside it can be recounted; older days cannot.
/// </summary>
public sealed class Recounter(IConnectionMultiplexer redis, RedisKeys keys)
{
    public async Task<Dictionary<DateOnly, DailyCounts>> RecountAsync(string providerId, CancellationToken cancellationToken)
    {
        var days = new Dictionary<DateOnly, DailyCounts>();
        var db = redis.GetDatabase();
        var pattern = keys.Provider(providerId).Message("*");
        foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: pattern.ToString(), pageSize: 1000).WithCancellation(cancellationToken))
            {
                foreach (var field in await db.HashGetAllAsync(key))
                {
                    var name = (string)field.Name!;
                    var counter = name switch
                    {
                        "sent" or "delivered" or "failed" or "clicked" => name,
                        _ when name.StartsWith("k:", StringComparison.Ordinal) => "clicks",
                        _ when name.StartsWith("r:", StringComparison.Ordinal) => "replies",
                        _ => null,
                    };
                    if (counter is null || ((string?)field.Value)?.Length != 10) continue;
                    var day = ProviderKeys.ParseDay((string)field.Value!);
                    days[day] = days.GetValueOrDefault(day).With(counter, 1);
                }
            }
        }
        return days;
    }
}
