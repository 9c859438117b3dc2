using CallbackPipeline.Core.Events;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Redis;
using CallbackPipeline.Storage.Stats;
using Npgsql;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>
/// A stats read checks, per provider, that no flush cut a batch between its Redis snapshot and its PostgreSQL rows, and
/// reads again the providers where one did. It never answers from a read it could not check.
/// </summary>
public sealed class StatsReaderTests(HarnessFixture fixture) : IClassFixture<HarnessFixture>
{
    [Fact]
    public async Task AProviderWhoseBatchCountMovesUnderEveryRead_IsUnavailable_NotAnsweredUnchecked()
    {
        var h = fixture.Harness;
        var id = await h.CreateProviderAsync();
        var today = EventClock.DayIn(h.Clock.GetUtcNow(), TimeZoneInfo.Utc);
        await h.Get<CounterStore>().ApplyAsync([h.Event(id, EventKind.Delivered, "m1")], CancellationToken.None);
        var reader = h.Get<StatsReader>();
        Assert.Equal(1, (await reader.ReadAsync([id], today, today, CancellationToken.None))[id][today].Delivered);

        // Each read stops at its PostgreSQL statement behind a lock on daily_stats; while it waits the batch count moves,
        // as if a flush cut a batch, and the lock is handed to a second connection that queued behind the read, so the
        // next read stops there too.
        var db = h.Get<IConnectionMultiplexer>().GetDatabase();
        var batchCount = h.Get<RedisKeys>().Provider(id).BatchCount;
        await using var lockers = new StatsLockers(fixture.Database.ConnectionString);
        await lockers.LockAsync(0);
        var read = reader.ReadAsync([id], today, today, CancellationToken.None);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await lockers.UntilOthersWaitAsync();
            await db.StringIncrementAsync(batchCount);
            var next = lockers.LockAsync((attempt + 1) % 2);
            await lockers.UntilOursWaitsAsync();
            await lockers.ReleaseAsync(attempt % 2);
            await next;
        }
        await lockers.ReleaseAsync(1);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => read);

        Assert.Equal(1, (await reader.ReadAsync([id], today, today, CancellationToken.None))[id][today].Delivered);
    }

    [Fact]
    public async Task AProviderWhoseBatchCountMovedOnce_IsReadAgain_AndEveryProviderIsAnsweredOnce()
    {
        var h = fixture.Harness;
        var (moved, still) = (await h.CreateProviderAsync(), await h.CreateProviderAsync());
        var today = EventClock.DayIn(h.Clock.GetUtcNow(), TimeZoneInfo.Utc);
        await h.Get<CounterStore>().ApplyAsync(
            [h.Event(moved, EventKind.Delivered, "m1"), h.Event(still, EventKind.Delivered, "m1"), h.Event(still, EventKind.Delivered, "m2")],
            CancellationToken.None);

        await using var lockers = new StatsLockers(fixture.Database.ConnectionString);
        await lockers.LockAsync(0);
        var read = h.Get<StatsReader>().ReadAsync([moved, still], today, today, CancellationToken.None);
        await lockers.UntilOthersWaitAsync();
        await h.Get<IConnectionMultiplexer>().GetDatabase().StringIncrementAsync(h.Get<RedisKeys>().Provider(moved).BatchCount);
        await lockers.ReleaseAsync(0);

        var days = await read;
        Assert.Equal(1, days[moved][today].Delivered);
        Assert.Equal(2, days[still][today].Delivered);
    }

    /// <summary>Two connections taking turns holding <c>daily_stats</c>, and a third watching who waits for it.</summary>
    private sealed class StatsLockers(string connectionString) : IAsyncDisposable
    {
        private readonly NpgsqlConnection[] holders = [new(connectionString), new(connectionString)];
        private readonly NpgsqlTransaction?[] held = new NpgsqlTransaction?[2];
        private readonly NpgsqlConnection watcher = new(connectionString);

        public async Task LockAsync(int holder)
        {
            var connection = holders[holder];
            if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync();
            if (watcher.State != System.Data.ConnectionState.Open) await watcher.OpenAsync();
            held[holder] = await connection.BeginTransactionAsync();
            await using var command = new NpgsqlCommand("lock table daily_stats in access exclusive mode", connection, held[holder]);
            await command.ExecuteNonQueryAsync();
        }

        public async Task ReleaseAsync(int holder) => await held[holder]!.CommitAsync();

        /// <summary>Until a connection that is not one of ours (the read) waits for the table.</summary>
        public Task UntilOthersWaitAsync() => UntilWaitingAsync(ours: false);

        /// <summary>Until one of ours waits for the table, queued behind the read.</summary>
        public Task UntilOursWaitsAsync() => UntilWaitingAsync(ours: true);

        private async Task UntilWaitingAsync(bool ours)
        {
            await Polling.UntilAsync(async () =>
            {
                // A holder's backend, once it has begun its transaction.
                var pids = holders.Where((_, i) => held[i] is not null).Select(c => c.ProcessID).ToArray();
                await using var command = new NpgsqlCommand(
                    "select count(*) from pg_locks l join pg_class c on c.oid = l.relation "
                    + "where c.relname = 'daily_stats' and not l.granted and (l.pid = any($1)) = $2", watcher);
                command.Parameters.AddWithValue(pids);
                command.Parameters.AddWithValue(ours);
                return (long)(await command.ExecuteScalarAsync())!;
            }, waiting => waiting > 0);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var connection in holders) await connection.DisposeAsync();
            await watcher.DisposeAsync();
        }
    }
}
