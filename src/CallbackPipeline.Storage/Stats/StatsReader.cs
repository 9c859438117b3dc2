using CallbackPipeline.Core.Stats;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Redis;
using Npgsql;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Stats;

/// <summary>
/// Reads daily counts as PostgreSQL rows plus the deltas still in Redis, so an applied event shows at once.
/// The Redis snapshot is taken first; the PostgreSQL read then tells in the same statement whether a pending batch
/// is already in the rows. If a new batch was cut in between (the batch count moved), the read is repeated,
/// so a flush running underneath never shows a count twice or not at all.
/// </summary>
public sealed class StatsReader(IConnectionMultiplexer redis, RedisKeys keys, NpgsqlDataSource dataSource)
{
    private const int MaxAttempts = 5;

    public async Task<Dictionary<string, Dictionary<DateOnly, DailyCounts>>> ReadAsync(
        IReadOnlyList<string> providerIds, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var snapshots = await ReadRedisAsync(providerIds, from, to);
                var (rows, applied) = await ReadPostgresAsync(providerIds, from, to, snapshots, cancellationToken);
                if (attempt < MaxAttempts && !await BatchCountsUnchangedAsync(providerIds, snapshots)) continue;

                foreach (var (providerId, snapshot) in snapshots)
                {
                    var days = rows.TryGetValue(providerId, out var existing) ? existing : rows[providerId] = [];
                    foreach (var (day, counts) in snapshot.Counters) days[day] = days.GetValueOrDefault(day) + counts;
                    if (snapshot.Batch is { } batch && !applied.Contains(batch.Id))
                    {
                        foreach (var (day, counts) in batch.Days.Where(d => d.Key >= from && d.Key <= to))
                        {
                            days[day] = days.GetValueOrDefault(day) + counts;
                        }
                    }
                }
                return rows;
            }
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    private sealed record Snapshot(long BatchCount, FlushBatch? Batch, Dictionary<DateOnly, DailyCounts> Counters);

    private async Task<Dictionary<string, Snapshot>> ReadRedisAsync(IReadOnlyList<string> providerIds, DateOnly from, DateOnly to)
    {
        var db = redis.GetDatabase();
        RedisValue first = ProviderKeys.DayText(from), last = ProviderKeys.DayText(to);
        var calls = providerIds.Select(id =>
        {
            var provider = keys.Provider(id);
            return db.ScriptEvaluateAsync(LuaScripts.ReadDeltas, [provider.BatchCount, provider.Batch, provider.Dirty], [provider.CounterPrefix, first, last]);
        }).ToList();
        var results = await Task.WhenAll(calls);

        var snapshots = new Dictionary<string, Snapshot>(StringComparer.Ordinal);
        for (var p = 0; p < providerIds.Count; p++)
        {
            var parts = (RedisResult[])results[p]!;
            var counters = new Dictionary<DateOnly, DailyCounts>();
            for (var i = 2; i + 1 < parts.Length; i += 2)
            {
                var hash = (RedisResult[])parts[i + 1]!;
                var counts = default(DailyCounts);
                for (var f = 0; f + 1 < hash.Length; f += 2) counts = counts.With((string)hash[f]!, (long)hash[f + 1]);
                counters[ProviderKeys.ParseDay((string)parts[i]!)] = counts;
            }
            snapshots[providerIds[p]] = new Snapshot((long)parts[0], FlushStore.ParseHash(providerIds[p], (RedisResult[])parts[1]!), counters);
        }
        return snapshots;
    }

    private async Task<(Dictionary<string, Dictionary<DateOnly, DailyCounts>> Rows, HashSet<Guid> Applied)> ReadPostgresAsync(
        IReadOnlyList<string> providerIds, DateOnly from, DateOnly to, Dictionary<string, Snapshot> snapshots, CancellationToken cancellationToken)
    {
        // One statement, one snapshot: the rows and "is that batch in them" agree.
        await using var command = dataSource.CreateCommand(
            """
            select provider_id, day, sent, delivered, failed, clicks, clicked, replies, null::uuid
            from daily_stats where provider_id = any($1) and day between $2 and $3
            union all
            select provider_id, null, 0, 0, 0, 0, 0, 0, batch_id
            from flush_batches where provider_id = any($1) and batch_id = any($4)
            """);
        command.Parameters.AddWithValue(providerIds.ToArray());
        command.Parameters.AddWithValue(from);
        command.Parameters.AddWithValue(to);
        command.Parameters.AddWithValue(snapshots.Values.Where(s => s.Batch is not null).Select(s => s.Batch!.Id).ToArray());

        var rows = new Dictionary<string, Dictionary<DateOnly, DailyCounts>>(StringComparer.Ordinal);
        var applied = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(8))
            {
                applied.Add(reader.GetGuid(8));
                continue;
            }
            var providerId = reader.GetString(0);
            var days = rows.TryGetValue(providerId, out var existing) ? existing : rows[providerId] = [];
            days[reader.GetFieldValue<DateOnly>(1)] = new DailyCounts(
                reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7));
        }
        return (rows, applied);
    }

    private async Task<bool> BatchCountsUnchangedAsync(IReadOnlyList<string> providerIds, Dictionary<string, Snapshot> snapshots)
    {
        var db = redis.GetDatabase();
        var counts = await Task.WhenAll(providerIds.Select(id => db.StringGetAsync(keys.Provider(id).BatchCount)));
        for (var i = 0; i < providerIds.Count; i++)
        {
            var now = counts[i].IsNull ? 0 : (long)counts[i];
            if (now != snapshots[providerIds[i]].BatchCount) return false;
        }
        return true;
    }
}
