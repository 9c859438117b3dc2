using CallbackPipeline.Core.Insights;
using CallbackPipeline.Core.Stats;
using Npgsql;

namespace CallbackPipeline.Storage.Stats;

/// <summary>
/// The PostgreSQL half of a stats read: the providers' rows of a range (counters, and with them the insight rows when
/// asked) and which of the given flush batches are already in them, in one statement, so in one snapshot.
/// </summary>
internal static class StatsRows
{
    private const string Counters =
        """
        select 0, provider_id, day, null::text, sent, delivered, failed, clicks, clicked, replies, null::uuid, null::text
        from daily_stats where provider_id = any($1) and day between $2 and $3
        """;

    private const string Insights =
        """
        union all
        select 1, provider_id, day, code, failed, 0, 0, 0, 0, 0, null, description
        from daily_failures where provider_id = any($1) and day between $2 and $3
        union all
        select 2, provider_id, day, country, sent, delivered, failed, 0, 0, 0, null, null
        from daily_countries where provider_id = any($1) and day between $2 and $3
        union all
        select 3, provider_id, day, bucket::text, messages, 0, 0, 0, 0, 0, null, null
        from daily_latency where provider_id = any($1) and day between $2 and $3
        """;

    private const string Batches =
        """
        union all
        select 4, provider_id, null, null, 0, 0, 0, 0, 0, 0, batch_id, null
        from flush_batches where provider_id = any($1) and batch_id = any($4)
        """;

    public static async Task<(Dictionary<string, ProviderDays> Rows, HashSet<Guid> Applied)> ReadAsync(
        NpgsqlDataSource dataSource, IReadOnlyList<string> providerIds, DateOnly from, DateOnly to, bool insights, Guid[] batches,
        CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(string.Join('\n', insights ? [Counters, Insights, Batches] : [Counters, Batches]));
        command.Parameters.AddWithValue(providerIds.ToArray());
        command.Parameters.AddWithValue(from);
        command.Parameters.AddWithValue(to);
        command.Parameters.AddWithValue(batches);

        var rows = new Dictionary<string, ProviderDays>(StringComparer.Ordinal);
        var applied = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var kind = reader.GetInt32(0);
            if (kind == 4)
            {
                applied.Add(reader.GetGuid(10));
                continue;
            }
            var providerId = reader.GetString(1);
            var days = rows.TryGetValue(providerId, out var existing) ? existing : rows[providerId] = new ProviderDays();
            var day = reader.GetFieldValue<DateOnly>(2);
            long Value(int column) => reader.GetInt64(column);
            switch (kind)
            {
                case 0:
                    days.Add(day, new DailyCounts(Value(4), Value(5), Value(6), Value(7), Value(8), Value(9)));
                    break;
                case 1:
                    var tally = days.InsightsOf(day);
                    tally.AddFailure(reader.GetString(3), Value(4));
                    tally.Describe(reader.GetString(3), reader.IsDBNull(11) ? null : reader.GetString(11));
                    break;
                case 2:
                    days.InsightsOf(day).AddCountry(reader.GetString(3), new CountryCounts(Value(4), Value(5), Value(6)));
                    break;
                default:
                    days.InsightsOf(day).Latency[int.Parse(reader.GetString(3), System.Globalization.CultureInfo.InvariantCulture)] += Value(4);
                    break;
            }
        }
        return (rows, applied);
    }
}
