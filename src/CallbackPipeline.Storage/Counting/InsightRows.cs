using Npgsql;
using NpgsqlTypes;

namespace CallbackPipeline.Storage.Counting;

/// <summary>
/// Writes a flush batch's insight tallies in the transaction that writes its counters (<see cref="FlushStore"/>):
/// one statement per table, adding to the day's rows. A code keeps the first description it was given.
/// </summary>
internal static class InsightRows
{
    public static async Task AddAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, FlushBatch batch, CancellationToken cancellationToken)
    {
        var days = batch.Insights.OrderBy(d => d.Key).ToArray();
        if (days.Length == 0) return;

        var failures = days.SelectMany(d => d.Value.Failures.Select(f => (Day: d.Key, Code: f.Key, Failed: f.Value, Description: d.Value.Descriptions.GetValueOrDefault(f.Key)))).ToArray();
        if (failures.Length > 0)
        {
            await using var command = new NpgsqlCommand(
                """
                insert into daily_failures as f (provider_id, day, code, failed, description)
                select $1, * from unnest($2::date[], $3::text[], $4::bigint[], $5::text[])
                on conflict (provider_id, day, code) do update set
                    failed = f.failed + excluded.failed, description = coalesce(f.description, excluded.description)
                """, connection, transaction);
            command.Parameters.AddWithValue(batch.ProviderId);
            command.Parameters.AddWithValue(failures.Select(f => f.Day).ToArray());
            command.Parameters.AddWithValue(failures.Select(f => f.Code).ToArray());
            command.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Bigint, failures.Select(f => f.Failed).ToArray());
            command.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, failures.Select(f => (object?)f.Description ?? DBNull.Value).ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var countries = days.SelectMany(d => d.Value.Countries.Select(c => (Day: d.Key, Country: c.Key, Counts: c.Value))).ToArray();
        if (countries.Length > 0)
        {
            await using var command = new NpgsqlCommand(
                """
                insert into daily_countries as c (provider_id, day, country, sent, delivered, failed)
                select $1, * from unnest($2::date[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[])
                on conflict (provider_id, day, country) do update set
                    sent = c.sent + excluded.sent, delivered = c.delivered + excluded.delivered, failed = c.failed + excluded.failed
                """, connection, transaction);
            command.Parameters.AddWithValue(batch.ProviderId);
            command.Parameters.AddWithValue(countries.Select(c => c.Day).ToArray());
            command.Parameters.AddWithValue(countries.Select(c => c.Country).ToArray());
            command.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Bigint, countries.Select(c => c.Counts.Sent).ToArray());
            command.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Bigint, countries.Select(c => c.Counts.Delivered).ToArray());
            command.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Bigint, countries.Select(c => c.Counts.Failed).ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var latency = days.SelectMany(d => d.Value.Latency.Select((n, bucket) => (Day: d.Key, Bucket: (short)bucket, Messages: n)).Where(l => l.Messages > 0)).ToArray();
        if (latency.Length > 0)
        {
            await using var command = new NpgsqlCommand(
                """
                insert into daily_latency as l (provider_id, day, bucket, messages)
                select $1, * from unnest($2::date[], $3::smallint[], $4::bigint[])
                on conflict (provider_id, day, bucket) do update set messages = l.messages + excluded.messages
                """, connection, transaction);
            command.Parameters.AddWithValue(batch.ProviderId);
            command.Parameters.AddWithValue(latency.Select(l => l.Day).ToArray());
            command.Parameters.AddWithValue(latency.Select(l => l.Bucket).ToArray());
            command.Parameters.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Bigint, latency.Select(l => l.Messages).ToArray());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
