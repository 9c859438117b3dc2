using CallbackPipeline.Core.Stats;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Redis;
using CallbackPipeline.Storage.Stats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>
/// Reads what tests compare: the stats as served, the rows PostgreSQL holds, and the queue's pending entries; and
/// breaks a provider's counting for the tests of failing scripts.
/// </summary>
internal static class PipelineSteps
{
    /// <summary>
    /// Makes every count.lua call of the provider fail (WRONGTYPE, not an outage) before it writes anything: the next
    /// generation's bucket sizes, which the script reads first, hold the wrong type of value. Returns that key, for a
    /// test that mends the provider after.
    /// </summary>
    public static async Task<RedisKey> BreakCountingAsync(IServiceProvider services, string providerId, DateTimeOffset now)
    {
        var length = (long)CounterStore.GenerationLength(services.GetRequiredService<IOptions<CountingOptions>>().Value).TotalSeconds;
        RedisKey sizes = services.GetRequiredService<RedisKeys>().Provider(providerId).Prefix + "h:" + ((now.ToUnixTimeSeconds() / length) + 1);
        await services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().StringSetAsync(sizes, "not a hash");
        return sizes;
    }

    public static Task<RedisKey> BreakCountingAsync(this StorageHarness harness, string providerId) =>
        BreakCountingAsync(harness.Services, providerId, harness.Clock.GetUtcNow());

    public static async Task<DailyCounts> ServedAsync(this StorageHarness harness, string providerId, DateOnly from, DateOnly to)
    {
        var days = await harness.Get<StatsReader>().ReadAsync([providerId], from, to, CancellationToken.None);
        return days.TryGetValue(providerId, out var counts) ? counts.Values.Aggregate(default(DailyCounts), (a, b) => a + b) : default;
    }

    public static async Task<Dictionary<DateOnly, DailyCounts>> RowsAsync(string postgres, string providerId)
    {
        await using var db = NpgsqlDataSource.Create(postgres);
        await using var command = db.CreateCommand("select day, sent, delivered, failed, clicks, clicked, replies from daily_stats where provider_id = $1");
        command.Parameters.AddWithValue(providerId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<DateOnly, DailyCounts>();
        while (await reader.ReadAsync())
        {
            rows[reader.GetFieldValue<DateOnly>(0)] = new DailyCounts(
                reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
        }
        return rows;
    }

    /// <summary>How many times each entry the workers hold but have not acknowledged was delivered (<c>XPENDING</c>).</summary>
    public static async Task<long[]> PendingDeliveriesAsync(IDatabase redis, RedisKeys keys) =>
        [.. (await redis.StreamPendingMessagesAsync(keys.Stream, RedisStreamQueue.Group, 1000, RedisValue.Null)).Select(p => (long)p.DeliveryCount)];

    public static DailyCounts Sum(this Dictionary<DateOnly, DailyCounts> rows) => rows.Values.Aggregate(default(DailyCounts), (a, b) => a + b);
}
