using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Stats;

/// <summary>
/// Keeps each stats answer, as its bytes and ETag (for the overview, the figures its pages are cut from), for the
/// dashboards that poll the same figures: a poll gets the kept answer while it is younger than
/// <see cref="StatsOptions.RefreshAfter"/>, gets it too but starts one read in the background while it is younger
/// than <see cref="StatsOptions.MaxAge"/>, and waits for a read of its own
/// (shared with the polls that arrive meanwhile) after that. So a poll waits for PostgreSQL and Redis at most once
/// per <c>MaxAge</c>, and a figure shows at most <c>MaxAge</c> after it changed (usually
/// <c>RefreshAfter</c> plus one read). Answers carry the time they were read as <c>asOf</c>. A change to an
/// account's providers or time zone in this process forgets its answers at once.
/// </summary>
/// <remarks>
/// Ages are measured on <paramref name="clock"/>, which the host sets to the system clock rather than the app's
/// <see cref="TimeProvider"/>: a test that fakes the date events count on must not freeze the answers' ages.
/// </remarks>
public sealed class StatsCache(TimeProvider clock, IOptions<StatsOptions> options)
{
    private readonly ConcurrentDictionary<(string Account, string Query), Entry> entries = new();
    private long lastTrim;

    public Task<StatsAnswer> GetAsync(string accountId, string query, Func<Task<StatsAnswer>> read) =>
        GetAsync(accountId, query, read, answer => answer.Problem is null);

    /// <summary>
    /// The same for any figures read for an account, such as the whole overview that its pages are cut from; a value
    /// <paramref name="keep"/> refuses is answered once and not kept.
    /// </summary>
    public async Task<T> GetAsync<T>(string accountId, string query, Func<Task<T>> read, Func<T, bool> keep)
        where T : class
    {
        var settings = options.Value;
        if (settings.MaxAge <= TimeSpan.Zero) return await read();

        var key = (accountId, query);
        if (entries.TryGetValue(key, out var kept) && clock.GetElapsedTime(kept.StartedAt) is var age && age <= settings.MaxAge)
        {
            if (age > settings.RefreshAfter && kept.Value.IsValueCreated && kept.Value.Value.IsCompletedSuccessfully) Refresh(key, kept, Reader.Of(read, keep));
            return (T)await kept.Value.Value;
        }

        // Read afresh, unless a poll that came at the same moment already started to: then share its read.
        var fresh = new Entry(clock.GetTimestamp(), new Lazy<Task<object>>(Reader.Of(read, keep).Read));
        var entry = entries.AddOrUpdate(key, fresh, (_, current) => clock.GetElapsedTime(current.StartedAt) <= settings.MaxAge ? current : fresh);
        if (entry == fresh) Trim(settings);
        try
        {
            var value = (T)await entry.Value.Value;
            if (!keep(value)) entries.TryRemove(KeyValuePair.Create(key, entry));
            return value;
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

    private void Refresh((string, string) key, Entry kept, Reader reader)
    {
        if (Interlocked.Exchange(ref kept.Refreshing, 1) == 1) return;
        var next = new Entry(clock.GetTimestamp(), new Lazy<Task<object>>(reader.Read));
        _ = next.Value.Value.ContinueWith(
            t =>
            {
                // A failed read leaves the kept answer to age out; the next poll past MaxAge reads in the foreground.
                if (t.IsCompletedSuccessfully && reader.Keep(t.Result))
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
        // At most once per MaxAge: when every kept answer is young, a scan would drop nothing.
        if (entries.Count <= settings.MaxEntries || clock.GetElapsedTime(Interlocked.Read(ref lastTrim)) < settings.MaxAge) return;
        Interlocked.Exchange(ref lastTrim, clock.GetTimestamp());
        foreach (var (key, entry) in entries)
        {
            if (clock.GetElapsedTime(entry.StartedAt) > settings.MaxAge) entries.TryRemove(KeyValuePair.Create(key, entry));
        }
    }

    private sealed record Reader(Func<Task<object>> Read, Func<object, bool> Keep)
    {
        public static Reader Of<T>(Func<Task<T>> read, Func<T, bool> keep)
            where T : class => new(async () => await read(), value => keep((T)value));
    }

    private sealed class Entry(long startedAt, Lazy<Task<object>> value)
    {
        public long StartedAt { get; } = startedAt;

        /// <summary>Started by the first poll that awaits it, so an entry that loses a race never reads.</summary>
        public Lazy<Task<object>> Value { get; } = value;

        public int Refreshing;
    }
}
