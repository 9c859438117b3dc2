using CallbackPipeline.Core.Events;
using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Counting;

/// <summary>
/// Applies events to the per-provider per-day counters exactly once. The dedup records and the counters change
/// in one script per provider, so an event applied twice (a redelivery, a provider retry) is a no-op.
/// The layout of the dedup records lives only here and in count.lua.
/// </summary>
public sealed class CounterStore(IConnectionMultiplexer redis, RedisKeys keys, IOptions<CountingOptions> options, TimeProvider clock)
{
    /// <summary>Keeps one script call's argument list well inside Lua's stack.</summary>
    private const int MaxEventsPerScript = 500;

    public async Task<CountResult> ApplyAsync(IEnumerable<CallbackEvent> events, CancellationToken cancellationToken) =>
        await ApplyAsync(events, null, null, cancellationToken);

    /// <summary>
    /// Applies the events; <paramref name="byKind"/>, when given, receives what happened to each event by kind, and
    /// <paramref name="traceParent"/> is kept with the deltas so the flush can continue the trace.
    /// </summary>
    public async Task<CountResult> ApplyAsync(IEnumerable<CallbackEvent> events, string? traceParent, KindTally? byKind, CancellationToken cancellationToken)
    {
        var db = redis.GetDatabase();
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var window = (long)options.Value.DedupWindow.TotalSeconds;
        var calls = events
            .GroupBy(e => e.ProviderId, StringComparer.Ordinal)
            .SelectMany(group => group.Chunk(MaxEventsPerScript).Select(chunk => Run(db, group.Key, chunk, now, window, traceParent ?? "", byKind)))
            .ToList();
        var total = default(CountResult);
        foreach (var result in await Task.WhenAll(calls))
        {
            total += result;
        }
        return total;
    }

    private async Task<CountResult> Run(IDatabase db, string providerId, CallbackEvent[] events, long now, long window, string traceParent, KindTally? byKind)
    {
        var (redisKeys, args) = ScriptArguments(keys.Provider(providerId), events, now, window, traceParent);
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(LuaScripts.Count, redisKeys, args))!;
        if (byKind is not null)
        {
            var outcomes = (string?)result[4] ?? "";
            for (var i = 0; i < outcomes.Length; i++) byKind.Add(events[i].Kind, outcomes[i]);
        }
        return new CountResult((long)result[0], (long)result[1], (long)result[2], (long)result[3]);
    }

    /// <summary>The keys and arguments of one count.lua call (see the script for their layout).</summary>
    public static (RedisKey[] Keys, RedisValue[] Args) ScriptArguments(ProviderKeys provider, IReadOnlyList<CallbackEvent> events, long now, long window, string traceParent = "")
    {
        var redisKeys = new RedisKey[4 + (2 * events.Count)];
        var args = new RedisValue[3 + (4 * events.Count)];
        redisKeys[0] = provider.Gone;
        redisKeys[1] = provider.Dirty;
        redisKeys[2] = provider.Since;
        redisKeys[3] = provider.Trace;
        args[0] = now;
        args[1] = window;
        args[2] = traceParent;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            redisKeys[4 + (2 * i)] = provider.Message(e.MessageId);
            redisKeys[5 + (2 * i)] = provider.Day(e.Day);
            args[3 + (4 * i)] = KindName(e.Kind);
            args[4 + (4 * i)] = e.Distinct ?? string.Empty;
            args[5 + (4 * i)] = e.EventTime;
            args[6 + (4 * i)] = ProviderKeys.DayText(e.Day);
        }
        return (redisKeys, args);
    }

    private static string KindName(EventKind kind) => kind switch
    {
        EventKind.Sent => "sent",
        EventKind.Delivered => "delivered",
        EventKind.Failed => "failed",
        EventKind.Clicked => "clicked",
        EventKind.Replied => "replied",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
