using CallbackPipeline.Core.Insights;
using CallbackPipeline.Core.Stats;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Redis;
using Npgsql;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Stats;

/// <summary>
/// Reads daily counts (and, when asked, the insight tallies) as PostgreSQL rows plus the deltas still in Redis, so an
/// applied event shows at once. The Redis snapshot is taken first; the PostgreSQL read then tells in the same
/// statement whether a pending batch is already in the rows. A provider whose batch count moved in between (a flush
/// cut a new batch) is read again, alone with the others that moved, so a flush running underneath never shows a count
/// twice or not at all, and the insights of one read always agree with its counters. A provider still moving after
/// <see cref="MaxAttempts"/> reads is not answered from an unchecked read: the read fails as unavailable (503).
/// </summary>
public sealed class StatsReader(IConnectionMultiplexer redis, RedisKeys keys, NpgsqlDataSource dataSource)
{
    private const int MaxAttempts = 5;

    /// <summary>The counters of each provider by day.</summary>
    public async Task<Dictionary<string, Dictionary<DateOnly, DailyCounts>>> ReadAsync(
        IReadOnlyList<string> providerIds, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        (await ReadAsync(providerIds, from, to, insights: false, cancellationToken)).ToDictionary(p => p.Key, p => p.Value.Counts, StringComparer.Ordinal);

    /// <summary>The counters and insight tallies of each provider by day, from one snapshot.</summary>
    public Task<Dictionary<string, ProviderDays>> ReadWithInsightsAsync(
        IReadOnlyList<string> providerIds, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        ReadAsync(providerIds, from, to, insights: true, cancellationToken);

    /// <summary>The counters of each provider by day, and with <paramref name="insights"/> their insight tallies, from one snapshot.</summary>
    public async Task<Dictionary<string, ProviderDays>> ReadAsync(
        IReadOnlyList<string> providerIds, DateOnly from, DateOnly to, bool insights, CancellationToken cancellationToken)
    {
        try
        {
            var result = new Dictionary<string, ProviderDays>(StringComparer.Ordinal);
            var pending = providerIds;
            for (var attempt = 1; pending.Count > 0; attempt++)
            {
                if (attempt > MaxAttempts)
                {
                    throw new StorageUnavailableException("Redis", $"the stats of {pending.Count} provider(s) changed under each of {MaxAttempts} reads");
                }
                var snapshots = await ReadRedisAsync(pending, from, to, insights);
                var (rows, applied) = await StatsRows.ReadAsync(dataSource, pending, from, to, insights,
                    [.. snapshots.Values.Where(s => s.Batch is not null).Select(s => s.Batch!.Id)], cancellationToken);
                var moved = await MovedAsync(pending, snapshots);
                foreach (var (providerId, snapshot) in snapshots)
                {
                    if (moved.Contains(providerId)) continue;
                    var days = result[providerId] = rows.GetValueOrDefault(providerId) ?? new ProviderDays();
                    foreach (var (day, counts) in snapshot.Days.Counts) days.Add(day, counts);
                    foreach (var (day, tally) in snapshot.Days.Insights) days.Add(day, tally);
                    if (snapshot.Batch is { } batch && !applied.Contains(batch.Id))
                    {
                        foreach (var (day, counts) in batch.Days.Where(d => d.Key >= from && d.Key <= to)) days.Add(day, counts);
                        if (!insights) continue;
                        foreach (var (day, tally) in batch.Insights.Where(d => d.Key >= from && d.Key <= to)) days.Add(day, tally);
                    }
                }
                pending = [.. pending.Where(moved.Contains)];
            }
            return result;
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    private sealed record Snapshot(long BatchCount, FlushBatch? Batch, ProviderDays Days);

    private async Task<Dictionary<string, Snapshot>> ReadRedisAsync(IReadOnlyList<string> providerIds, DateOnly from, DateOnly to, bool insights)
    {
        var db = redis.GetDatabase();
        RedisValue first = ProviderKeys.DayText(from), last = ProviderKeys.DayText(to), withInsights = insights ? "1" : "0";
        var calls = providerIds.Select(id =>
        {
            var provider = keys.Provider(id);
            return db.ScriptEvaluateAsync(LuaScripts.ReadDeltas, [provider.BatchCount, provider.Batch, provider.Dirty, provider.Gone],
                [provider.CounterPrefix, first, last, withInsights, provider.FailureCodesPrefix]);
        }).ToList();
        var results = await Task.WhenAll(calls);

        var snapshots = new Dictionary<string, Snapshot>(StringComparer.Ordinal);
        for (var p = 0; p < providerIds.Count; p++)
        {
            var parts = (RedisResult[])results[p]!;
            var days = new ProviderDays();
            for (var i = 2; i + 2 < parts.Length; i += 3)
            {
                var day = ProviderKeys.ParseDay((string)parts[i]!);
                var fields = (RedisResult[])parts[i + 1]!;
                var counts = default(DailyCounts);
                var tally = new DayInsights();
                for (var f = 0; f + 1 < fields.Length; f += 2)
                {
                    var name = (string)fields[f]!;
                    if (!tally.Add(name, (long)fields[f + 1])) counts = counts.With(name, (long)fields[f + 1]);
                }
                var registry = (RedisResult[])parts[i + 2]!;
                for (var r = 0; r + 1 < registry.Length; r += 2) tally.Describe((string)registry[r]!, (string?)registry[r + 1]);
                days.Add(day, counts);
                if (!tally.IsEmpty) days.Add(day, tally);
            }
            snapshots[providerIds[p]] = new Snapshot((long)parts[0], FlushStore.ParseHash(providerIds[p], (RedisResult[])parts[1]!), days);
        }
        return snapshots;
    }

    /// <summary>The providers whose batch count is no longer the one their snapshot saw.</summary>
    private async Task<HashSet<string>> MovedAsync(IReadOnlyList<string> providerIds, Dictionary<string, Snapshot> snapshots)
    {
        var db = redis.GetDatabase();
        var counts = await Task.WhenAll(providerIds.Select(id => db.StringGetAsync(keys.Provider(id).BatchCount)));
        var moved = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < providerIds.Count; i++)
        {
            var now = counts[i].IsNull ? 0 : (long)counts[i];
            if (now != snapshots[providerIds[i]].BatchCount) moved.Add(providerIds[i]);
        }
        return moved;
    }
}
