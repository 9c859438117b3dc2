using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Stats;

/// <summary>
/// Keeps each stats answer, as its bytes and ETag, for the dashboards that poll the same figures: a poll gets the
/// kept answer while it is younger than <see cref="StatsOptions.RefreshAfter"/>, gets it too but starts one read
/// in the background while it is younger than <see cref="StatsOptions.MaxAge"/>, and waits for a read of its own
/// (shared with the polls that arrive meanwhile) after that. So a poll waits for PostgreSQL and Redis at most once
/// per <c>MaxAge</c>, and a figure shows at most <c>MaxAge</c> after it changed (usually
/// <c>RefreshAfter</c> plus one read). Answers carry the time they were read as <c>asOf</c>. A change to an
/// account's providers or time zone in this process forgets its answers at once.
/// </summary>
public sealed class StatsCache(TimeProvider clock, IOptions<StatsOptions> options)
{
    private readonly ConcurrentDictionary<(string Account, string Query), Entry> entries = new();

    public async Task<StatsAnswer> GetAsync(string accountId, string query, Func<Task<StatsAnswer>> read)
    {
        var settings = options.Value;
        if (settings.MaxAge <= TimeSpan.Zero) return await read();

        var key = (accountId, query);
        if (entries.TryGetValue(key, out var kept) && clock.GetElapsedTime(kept.StartedAt) is var age && age <= settings.MaxAge)
        {
            if (age > settings.RefreshAfter && kept.Answer.IsCompletedSuccessfully) Refresh(key, kept, read);
            var answer = await kept.Answer;
            if (answer.Problem is null) return answer;
        }

        // Read afresh; polls that come meanwhile find this entry and wait for the same read.
        var entry = new Entry(clock.GetTimestamp(), read());
        entries[key] = entry;
        Trim(settings);
        try
        {
            var answer = await entry.Answer;
            if (answer.Problem is not null) entries.TryRemove(KeyValuePair.Create(key, entry));
            return answer;
        }
        catch
        {
            entries.TryRemove(KeyValuePair.Create(key, entry));
            throw;
        }
    }

    /// <summary>Drops the account's answers, after a change to its providers or its time zone.</summary>
    public void Forget(string accountId)
    {
        foreach (var key in entries.Keys)
        {
            if (key.Account == accountId) entries.TryRemove(key, out _);
        }
    }

    private void Refresh((string, string) key, Entry kept, Func<Task<StatsAnswer>> read)
    {
        if (Interlocked.Exchange(ref kept.Refreshing, 1) == 1) return;
        var next = new Entry(clock.GetTimestamp(), read());
        _ = next.Answer.ContinueWith(
            t =>
            {
                // A failed read leaves the kept answer to age out; the next poll past MaxAge reads in the foreground.
                if (t.IsCompletedSuccessfully && t.Result.Problem is null)
                {
                    entries.TryUpdate(key, next, kept);
                    return;
                }
                _ = t.Exception;
                kept.Refreshing = 0;
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Trim(StatsOptions settings)
    {
        if (entries.Count <= settings.MaxEntries) return;
        foreach (var (key, entry) in entries)
        {
            if (clock.GetElapsedTime(entry.StartedAt) > settings.MaxAge) entries.TryRemove(KeyValuePair.Create(key, entry));
        }
    }

    private sealed class Entry(long startedAt, Task<StatsAnswer> answer)
    {
        public long StartedAt { get; } = startedAt;

        public Task<StatsAnswer> Answer { get; } = answer;

        public int Refreshing;
    }
}
