using System.Diagnostics;
using CallbackPipeline.Core.Telemetry;
using CallbackPipeline.Storage.Redis;
using Npgsql;
using NpgsqlTypes;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Counting;

/// <summary>
/// Moves counter deltas from Redis to PostgreSQL in three steps, each safe to crash after:
/// cut (atomically move the deltas into a batch with an id), commit (add them to <c>daily_stats</c> in the transaction
/// that records the id; an id already recorded is skipped), drop (delete the batch from Redis). The cut is made through
/// <see cref="ReplicatedWrites"/>, so no failover can take back a batch that is about to be committed.
/// </summary>
public sealed class FlushStore(IConnectionMultiplexer redis, RedisKeys keys, NpgsqlDataSource dataSource, ReplicatedWrites writes)
{
    /// <summary>Cuts the provider's deltas into a batch, or returns the batch an interrupted flush left; null when there is nothing.</summary>
    public async Task<FlushBatch?> CutAsync(string providerId, CancellationToken cancellationToken)
    {
        try
        {
            var provider = keys.Provider(providerId);
            var result = (RedisResult[])(await writes.Database.ScriptEvaluateAsync(
                LuaScripts.CutBatch,
                [provider.Dirty, provider.Batch, provider.BatchCount, provider.Since, provider.Trace],
                [Guid.NewGuid().ToString(), provider.CounterPrefix, provider.FailureCodesPrefix]))!;
            await writes.ConfirmAsync([provider.Batch]);
            return ParseHash(providerId, result);
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    public async Task<FlushCommit> CommitAsync(FlushBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

            // A key-share lock keeps a concurrent delete waiting until this commit, and a deleted provider gets no rows back.
            await using (var exists = new NpgsqlCommand("select 1 from providers where id = $1 for key share", connection, transaction))
            {
                exists.Parameters.AddWithValue(batch.ProviderId);
                if (await exists.ExecuteScalarAsync(cancellationToken) is null) return FlushCommit.ProviderGone;
            }
            await using (var record = new NpgsqlCommand(
                "insert into flush_batches (provider_id, batch_id) values ($1, $2) on conflict do nothing", connection, transaction))
            {
                record.Parameters.AddWithValue(batch.ProviderId);
                record.Parameters.AddWithValue(batch.Id);
                if (await record.ExecuteNonQueryAsync(cancellationToken) == 0) return FlushCommit.AlreadyApplied;
            }

            var days = batch.Days.OrderBy(d => d.Key).ToArray();
            await using (var add = new NpgsqlCommand(
                """
                insert into daily_stats as s (provider_id, day, sent, delivered, failed, clicks, clicked, replies)
                select $1, * from unnest($2::date[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
                on conflict (provider_id, day) do update set
                    sent = s.sent + excluded.sent, delivered = s.delivered + excluded.delivered, failed = s.failed + excluded.failed,
                    clicks = s.clicks + excluded.clicks, clicked = s.clicked + excluded.clicked, replies = s.replies + excluded.replies
                """, connection, transaction))
            {
                add.Parameters.AddWithValue(batch.ProviderId);
                add.Parameters.AddWithValue(days.Select(d => d.Key).ToArray());
                add.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Bigint, days.Select(d => d.Value.Sent).ToArray());
                add.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Bigint, days.Select(d => d.Value.Delivered).ToArray());
                add.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Bigint, days.Select(d => d.Value.Failed).ToArray());
                add.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Bigint, days.Select(d => d.Value.Clicks).ToArray());
                add.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Bigint, days.Select(d => d.Value.Clicked).ToArray());
                add.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Bigint, days.Select(d => d.Value.Replies).ToArray());
                await add.ExecuteNonQueryAsync(cancellationToken);
            }
            await InsightRows.AddAsync(connection, transaction, batch, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return FlushCommit.Applied;
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    public async Task DropAsync(FlushBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await redis.GetDatabase().ScriptEvaluateAsync(LuaScripts.DropBatch, [keys.Provider(batch.ProviderId).Batch], [batch.Id.ToString()]);
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>
    /// Cut, commit, drop. Returns the batch that was flushed, or null when there was nothing to flush. The flush span
    /// continues the trace of the latest apply the batch carries: request → enqueue → apply → flush.
    /// </summary>
    public async Task<(FlushBatch Batch, FlushCommit Outcome)?> FlushAsync(string providerId, CancellationToken cancellationToken)
    {
        if (await CutAsync(providerId, cancellationToken) is not { } batch) return null;
        using var activity = PipelineMetrics.ActivitySource.StartActivity("flush", ActivityKind.Internal,
            ActivityContext.TryParse(batch.TraceParent, null, out var parent) ? parent : default);
        activity?.SetTag("callbackpipeline.provider.id", providerId);
        activity?.SetTag("callbackpipeline.flush.days", batch.Days.Count);
        var outcome = await CommitAsync(batch, cancellationToken);
        await DropAsync(batch, cancellationToken);
        return (batch, outcome);
    }

    /// <summary>Forgets batch ids old enough that no Redis batch can still carry them.</summary>
    public async Task<int> PruneAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = dataSource.CreateCommand("delete from flush_batches where applied_at < $1");
            command.Parameters.AddWithValue(before);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    internal static FlushBatch? ParseHash(string providerId, RedisResult[] flat)
    {
        var fields = new List<(string, string)>(flat.Length / 2);
        Guid? id = null;
        long since = 0;
        string? trace = null;
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            var field = (string)flat[i]!;
            if (field == "_id") id = Guid.Parse((string)flat[i + 1]!);
            else if (field == "_since") since = (long)flat[i + 1];
            else if (field == "_trace") trace = (string?)flat[i + 1];
            else fields.Add((field, (string?)flat[i + 1] ?? ""));
        }
        var batch = FlushBatch.Parse(providerId, fields, id);
        return batch is null ? null : batch with
        {
            // Unix ms; a batch cut before the host kept milliseconds holds seconds, which no time in ms is as small as.
            Since = since <= 0 ? null : since < 100_000_000_000 ? DateTimeOffset.FromUnixTimeSeconds(since) : DateTimeOffset.FromUnixTimeMilliseconds(since),
            TraceParent = string.IsNullOrEmpty(trace) ? null : trace,
        };
    }
}
