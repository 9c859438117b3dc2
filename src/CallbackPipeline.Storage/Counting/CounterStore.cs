using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Insights;
using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Counting;

/// <summary>
/// Applies events to the per-provider per-day counters exactly once. The dedup records and the counters change
/// in one script per provider, so an event applied twice (a redelivery, a provider retry) is a no-op.
/// The layout of the dedup records lives in <see cref="DedupRecord"/> and count.lua. Once the scripts have run, the
/// providers they counted for are listed in the <see cref="FlushIndex"/>, and both are confirmed on the replicas
/// (<see cref="ReplicatedWrites"/>), before the caller acknowledges the events.
/// </summary>
public sealed class CounterStore(ReplicatedWrites writes, RedisKeys keys, FlushIndex index, IOptions<CountingOptions> options, TimeProvider clock)
{
    /// <summary>Keeps one script call's argument list well inside Lua's stack.</summary>
    private const int MaxEventsPerScript = 500;

    /// <summary>count.lua's arguments before the events', and per event.</summary>
    public const int ArgsBefore = 7;

    public const int ArgsPerEvent = 8;

    public async Task<CountResult> ApplyAsync(IEnumerable<CallbackEvent> events, CancellationToken cancellationToken) =>
        await ApplyAsync(events, null, null, null, cancellationToken);

    /// <summary>
    /// Applies the events; <paramref name="byKind"/>, when given, receives what happened to each event by kind, and
    /// <paramref name="traceParent"/> is kept with the deltas so the flush can continue the trace. When the script of
    /// some provider fails, the others' counts stand: <paramref name="settled"/>, when given, receives the providers
    /// whose events are all counted, listed and confirmed, even when the call throws for another one.
    /// </summary>
    public async Task<CountResult> ApplyAsync(
        IEnumerable<CallbackEvent> events, string? traceParent, KindTally? byKind, ISet<string>? settled, CancellationToken cancellationToken)
    {
        try
        {
            var db = writes.Database;
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var window = (long)options.Value.DedupWindow.TotalSeconds;
            var chunks = events
                .GroupBy(e => e.ProviderId, StringComparer.Ordinal)
                .SelectMany(group => group.Chunk(MaxEventsPerScript).Select(chunk => (ProviderId: group.Key, Events: chunk)))
                .ToList();
            var calls = chunks.Select(c => Run(db, c.ProviderId, c.Events, now, window, traceParent ?? "", byKind)).ToList();
            // Every call settles before anything is listed: one provider whose script fails must not keep the counts the
            // others' scripts made off the flush index (their events come again with the failed ones, as duplicates).
            await ((Task)Task.WhenAll(calls)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var results = calls.Where(c => c.IsCompletedSuccessfully).Select(c => c.Result).ToList();
            var total = default(CountResult);
            var counted = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (providerId, result) in results)
            {
                total += result;
                // A duplicate or a too-late event too: it may be the redelivery of events whose worker stopped before
                // listing the provider (too late by now, if the window's edge passed meanwhile).
                if (result.Applied + result.Duplicates + result.TooLate > 0) counted.Add(providerId);
            }
            await index.AddAsync(counted);
            if (writes.Waits) await writes.ConfirmAsync([keys.FlushIndex, .. results.Select(r => (RedisKey)keys.Provider(r.ProviderId).Gone)]);
            if (settled is not null)
            {
                // A provider whose events span several script calls is settled only when all of them counted.
                var unsettled = chunks.Where((_, i) => !calls[i].IsCompletedSuccessfully).Select(c => c.ProviderId).ToHashSet(StringComparer.Ordinal);
                settled.UnionWith(chunks.Select(c => c.ProviderId).Where(id => !unsettled.Contains(id)));
            }
            if (calls.FirstOrDefault(c => !c.IsCompletedSuccessfully) is { } failed) await failed;
            return total;
        }
        catch (Exception e) when (StorageUnavailableException.From(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    private async Task<(string ProviderId, CountResult Result)> Run(
        IDatabase db, string providerId, CallbackEvent[] events, long now, long window, string traceParent, KindTally? byKind)
    {
        var settings = options.Value;
        var (redisKeys, args) = ScriptArguments(
            keys.Provider(providerId), events, now, window, settings.DedupFirstBucketBits, settings.DedupGenerations,
            (long)GenerationLength(settings).TotalSeconds, traceParent);
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(LuaScripts.Count, redisKeys, args))!;
        if (byKind is not null)
        {
            var outcomes = (string?)result[4] ?? "";
            for (var i = 0; i < outcomes.Length; i++) byKind.Add(events[i].Kind, outcomes[i]);
        }
        return (providerId, new CountResult((long)result[0], (long)result[1], (long)result[2], (long)result[3]));
    }

    /// <summary>
    /// How long a dedup generation is: k of them span the window plus the time an event may be ahead of the worker
    /// that applies it (the receiver's <see cref="EventClock.FutureTolerance"/>, and an hour for clocks that differ
    /// between hosts), so a retry that is not too late always finds its record within k generations back (count.lua).
    /// </summary>
    public static TimeSpan GenerationLength(CountingOptions options) =>
        TimeSpan.FromSeconds(Math.Ceiling((options.DedupWindow + EventClock.FutureTolerance + ClockDifference).TotalSeconds / options.DedupGenerations));

    /// <summary>How far apart the clocks of two hosts may be without a count doubling: far more than NTP allows.</summary>
    private static readonly TimeSpan ClockDifference = TimeSpan.FromHours(1);

    /// <summary>The keys and arguments of one count.lua call (see the script for their layout).</summary>
    public static (RedisKey[] Keys, RedisValue[] Args) ScriptArguments(
        ProviderKeys provider, IReadOnlyList<CallbackEvent> events, long nowMilliseconds, long window, int firstBucketBits, int generations,
        long generationLength, string traceParent = "")
    {
        RedisKey[] redisKeys = [provider.Gone, provider.Dirty, provider.Since, provider.Trace];
        var args = new RedisValue[ArgsBefore + (ArgsPerEvent * events.Count)];
        args[0] = nowMilliseconds;
        args[1] = window;
        args[2] = traceParent;
        args[3] = provider.Prefix;
        args[4] = firstBucketBits;
        args[5] = generations;
        args[6] = generationLength;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            var a = ArgsBefore + (ArgsPerEvent * i);
            var failed = e.Kind == EventKind.Failed;
            args[a] = DedupRecord.Primary(e);
            args[a + 1] = DedupRecord.Partner(e) ?? RedisValue.EmptyString;
            args[a + 2] = DedupRecord.Secondary(e) ?? RedisValue.EmptyString;
            args[a + 3] = e.EventTime;
            args[a + 4] = ProviderKeys.DayText(e.Day);
            args[a + 5] = DedupRecord.Packed(e);
            args[a + 6] = failed ? e.Code ?? FailureCodes.None : RedisValue.EmptyString;
            args[a + 7] = failed ? e.Description ?? "" : RedisValue.EmptyString;
        }
        return (redisKeys, args);
    }
}
