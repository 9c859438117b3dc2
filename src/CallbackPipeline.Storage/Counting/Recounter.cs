using System.Globalization;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Insights;
using CallbackPipeline.Core.Stats;
using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Counting;

/// <summary>
/// Rebuilds a provider's daily counts from its dedup records, whose values hold the counter each record counted on, its
/// event time and (sent records) its country or (the others) its day (<see cref="DedupRecord"/>). Records live for the
/// dedup window, so the days inside it can be recounted; older days cannot. A sent record holds no day: it counts on
/// the day of its time in the zone given to <see cref="RecountAsync"/>, so days counted in another zone
/// (before the account's zone changed) recount elsewhere. Failure codes, times to deliver and the countries of
/// delivered and failed messages are not in the records and are not rebuilt.
/// </summary>
public sealed class Recounter(IConnectionMultiplexer redis, RedisKeys keys, IOptions<CountingOptions> options)
{
    public async Task<Recount> RecountAsync(string providerId, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        try
        {
            var days = new Dictionary<DateOnly, DailyCounts>();
            var sentByCountry = new Dictionary<DateOnly, Dictionary<string, long>>();
            var length = (long)CounterStore.GenerationLength(options.Value).TotalSeconds;
            var window = (long)options.Value.DedupWindow.TotalSeconds;
            var db = redis.GetDatabase();
            var provider = keys.Provider(providerId);
            // SCAN may return a key more than once.
            var seen = new HashSet<RedisKey>();
            foreach (var server in redis.GetServers().Where(s => s.IsConnected && !s.IsReplica))
            {
                await foreach (var key in server.KeysAsync(pattern: provider.DedupBuckets, pageSize: 1000).WithCancellation(cancellationToken))
                {
                    if (!seen.Add(key)) continue;
                    var name = ((string)key!)[provider.DedupBucketPrefix.Length..];
                    var generation = long.Parse(name[..name.IndexOf(':', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
                    foreach (var field in await db.HashGetAllAsync(key))
                    {
                        if (!field.Value.TryParse(out long value)) continue;
                        var record = DedupRecord.Parse(value, generation, length, window);
                        if (record.Counter.Length == 0) continue;
                        var day = record.Day ?? EventClock.DayIn(DateTimeOffset.FromUnixTimeSeconds(record.EventTime), zone);
                        days[day] = days.GetValueOrDefault(day).With(record.Counter, 1);
                        if (record.DayOffset is null)
                        {
                            var countries = sentByCountry.TryGetValue(day, out var known) ? known : sentByCountry[day] = new(StringComparer.Ordinal);
                            var country = Countries.Code(record.Country);
                            countries[country] = countries.GetValueOrDefault(country) + 1;
                        }
                    }
                }
            }
            return new Recount(days, sentByCountry);
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }
}

/// <summary>What the records rebuild: the counters of each day, and each day's sent messages by country.</summary>
public sealed record Recount(Dictionary<DateOnly, DailyCounts> Days, Dictionary<DateOnly, Dictionary<string, long>> SentByCountry);
