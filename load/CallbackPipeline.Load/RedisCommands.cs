using System.Diagnostics;
using System.Globalization;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Storage;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallbackPipeline.Load;

/// <summary>Measurements taken against Redis directly: queue drain rate (verified through the API) and dedup memory.</summary>
public static class RedisCommands
{
    /// <summary>
    /// Fills the queue with <c>--events</c> events (in messages of <c>--per-message</c>), then times a worker (started
    /// once this prints "waiting", with the same <c>Redis:KeyPrefix</c>) until the queue is empty. With
    /// <c>--earlier-generations N</c>, the same providers first get as many dedup records in each of the N dedup
    /// generations before the present one, so the worker looks in populated generations as it does in steady state;
    /// <c>--dedup-generations K</c> sizes those generations for a worker started with
    /// <c>Counting__DedupGenerations=K</c> (default: the shipped setting). With <c>--mix insights</c> the queue holds
    /// what insights count: each message's sent event with its country, then its delivered event (1 message in 10:
    /// failed, with a code) a known time later; the default, <c>delivered</c>, is one delivered event per message.
    /// The 50 providers are created through the API of <c>--target</c> (with <c>--operator-key</c>), so the workers
    /// flush them as any, and once the queue is empty their stats must equal what was queued.
    /// </summary>
    public static async Task<int> DrainAsync(Arguments args)
    {
        var total = args.GetInt("events", 1_000_000);
        var insights = Mix(args);
        var perMessage = args.GetInt("per-message", 100);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(args.Get("redis"));
        var keys = new RedisKeys(args.Get("prefix", "cbp"));
        using var http = Target.Client(new Uri(args.Get("target")));
        var target = new Target(http);
        await target.SetUpAsync(args.Get("operator-key"), new SetupSpec(new Dictionary<string, int> { ["generic"] = 50 }), $"drain-{Guid.NewGuid():N}"[..14], withProbe: false);
        var providers = target.Providers.Select(p => p.Id).ToList();
        var counting = new CountingOptions();
        counting.DedupGenerations = args.GetInt("dedup-generations", counting.DedupGenerations);
        for (var back = args.GetInt("earlier-generations", 0); back >= 1; back--)
        {
            var clock = new ShiftedClock(-(CounterStore.GenerationLength(counting) * back));
            var counters = new CounterStore(Unreplicated(redis), keys, new FlushIndex(redis, keys, Unreplicated(redis)), Options.Create(counting), clock);
            var then = clock.GetUtcNow();
            var earlier = Enumerable.Range(0, total)
                .Select(i => new CallbackEvent(providers[i % providers.Count], EventKind.Delivered, $"earlier-{back}-{Guid.NewGuid():N}", null, then.ToUnixTimeSeconds(), DateOnly.FromDateTime(then.UtcDateTime)));
            await Parallel.ForEachAsync(earlier.Chunk(5_000), new ParallelOptions { MaxDegreeOfParallelism = 4 },
                async (chunk, ct) => await counters.ApplyAsync(chunk, ct));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"added {total} dedup records to the generation {back} before the present one"));
        }
        // The harness fills a Redis measure.sh started itself, with no memory limit: nothing there can be evicted.
        var eviction = new RedisEviction();
        eviction.Report(null);
        var queue = new RedisStreamQueue(
            redis, keys, Options.Create(new QueueOptions { MaxDepth = long.MaxValue }), new QueueDepth(), eviction,
            Unreplicated(redis));
        var day = DateOnly.FromDateTime(DateTime.UtcNow);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var run = Guid.NewGuid().ToString("N")[..8];
        var fill = Stopwatch.StartNew();
        var writes = new List<Task>();
        for (var sent = 0; sent < total; sent += perMessage)
        {
            var events = Enumerable.Range(sent, Math.Min(perMessage, total - sent))
                .Select(i => MixedEvent(providers, $"{run}-", i, insights, now, day)).ToList();
            writes.Add(queue.EnqueueAsync(events, null, CancellationToken.None));
            if (writes.Count >= 256)
            {
                await Task.WhenAll(writes);
                writes.Clear();
            }
        }
        await Task.WhenAll(writes);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"queued {total} events in {fill.Elapsed.TotalSeconds:F1} s; waiting for the worker to drain…"));
        var status = new StatusFile(args.Get("status", "") is { Length: > 0 } statusPath ? statusPath : null);
        status.Write("filled");

        // Timed from the worker's first acknowledgement (the stream shrinks), so its start-up is not counted.
        var db = redis.GetDatabase();
        var queued = await db.StreamLengthAsync(keys.Stream);
        var wait = Stopwatch.StartNew();
        long first;
        while ((first = await db.StreamLengthAsync(keys.Stream)) == queued)
        {
            await Task.Delay(5);
            if (wait.Elapsed > TimeSpan.FromMinutes(5)) return 1;
        }
        var start = Stopwatch.StartNew();
        while (await db.StreamLengthAsync(keys.Stream) > 0)
        {
            await Task.Delay(20);
            if (start.Elapsed > TimeSpan.FromMinutes(10)) return 1;
        }
        var seconds = start.Elapsed.TotalSeconds;
        // Stream entries carry many requests each (group commit): the share of entries left is the share of events.
        var drained = total * first / queued;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"drained {first} of {queued} stream entries ({drained} events) after the first acknowledgement in {seconds:F2} s: {drained / seconds:F0} events/s"));
        status.Write("done", true);
        return await VerifyAsync(target, providers, Enumerable.Range(0, total).Select(i => MixedEvent(providers, "", i, insights, now, day)), day);
    }

    /// <summary>
    /// Compares each provider's stats for the day (PostgreSQL rows and Redis deltas, as the API serves them) with the
    /// events queued: every event distinct, so each must count once.
    /// </summary>
    private static async Task<int> VerifyAsync(Target target, IReadOnlyList<string> providers, IEnumerable<CallbackEvent> queued, DateOnly day)
    {
        var expected = providers.ToDictionary(id => id, _ => new long[3]);
        foreach (var e in queued) expected[e.ProviderId][e.Kind switch { EventKind.Sent => 0, EventKind.Delivered => 1, _ => 2 }]++;
        var wrong = new List<string>();
        foreach (var id in providers)
        {
            var totals = (await target.SendAsync(HttpMethod.Get, string.Create(CultureInfo.InvariantCulture, $"/v1/providers/{id}/stats?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}"), target.ReadKey))["totals"]!;
            long[] counted = [totals["sent"]!.GetValue<long>(), totals["delivered"]!.GetValue<long>(), totals["failed"]!.GetValue<long>()];
            if (!counted.SequenceEqual(expected[id])) wrong.Add($"{id}: sent/delivered/failed {string.Join('/', counted)}, queued {string.Join('/', expected[id])}");
        }
        var sums = Enumerable.Range(0, 3).Select(c => expected.Values.Sum(v => v[c])).ToArray();
        Console.WriteLine(wrong.Count == 0
            ? string.Create(CultureInfo.InvariantCulture, $"verified: the {providers.Count} providers' stats equal what was queued (sent {sums[0]}, delivered {sums[1]}, failed {sums[2]})")
            : $"NOT EXACT: {string.Join("; ", wrong)}");
        return wrong.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// Applies <c>--records</c> distinct delivered events through the counting script twice, a dedup generation apart, and
    /// reports Redis memory per dedup record: first in a provider's first generation (buckets sized by
    /// <c>Counting:DedupFirstBucketBits</c>), then in the next one, sized from the first (the steady state, where every
    /// new record is also looked for in the generation before: compare the two times). <c>--mix insights</c> makes the
    /// records those of sent events with a country and their deliveries, as the drain's.
    /// </summary>
    public static async Task<int> DedupMemoryAsync(Arguments args)
    {
        var records = args.GetInt("records", 1_000_000);
        var insights = Mix(args);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(args.Get("redis") + ",allowAdmin=true");
        var prefix = $"mem{Guid.NewGuid():N}"[..12];
        var keys = new RedisKeys(prefix);
        var server = redis.GetServers()[0];
        var options = Options.Create(new CountingOptions());
        var generation = CounterStore.GenerationLength(options.Value);
        foreach (var (name, clock) in new[] { ("first generation", new ShiftedClock(-generation)), ("next generation", new ShiftedClock(TimeSpan.Zero)) })
        {
            var counters = new CounterStore(Unreplicated(redis), keys, new FlushIndex(redis, keys, Unreplicated(redis)), options, clock);
            var before = UsedMemory(await server.InfoAsync("memory"));
            var timer = Stopwatch.StartNew();
            var now = clock.GetUtcNow();
            var day = DateOnly.FromDateTime(now.UtcDateTime);
            var run = $"{name[0]}{Guid.NewGuid():N}"[..12] + "-";
            const int batch = 500;
            for (var i = 0; i < records; i += batch)
            {
                var events = Enumerable.Range(i, Math.Min(batch, records - i))
                    .Select(n => MixedEvent(MemoryProviders, run, n, insights, now.ToUnixTimeSeconds(), day));
                await counters.ApplyAsync(events, CancellationToken.None);
            }
            var after = UsedMemory(await server.InfoAsync("memory"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}{(insights ? ", insights mix" : "")}: {records} dedup records of 50 providers: {(after - before) / 1024.0 / 1024.0:F1} MiB, {(after - before) / (double)records:F1} bytes per record; applied one call at a time in {timer.Elapsed.TotalSeconds:F1} s"));
        }

        foreach (var key in server.Keys(pattern: $"{prefix}:*", pageSize: 1000)) await redis.GetDatabase().KeyDeleteAsync(key, CommandFlags.FireAndForget);
        return 0;
    }

    /// <summary>
    /// <c>keys [--prefix cbp]</c>: the Redis key names of a deployment with that <c>Redis:KeyPrefix</c>, as JSON, so
    /// scripts read them from the code that defines them (<see cref="RedisKeys"/>) instead of spelling them again.
    /// </summary>
    public static int Keys(Arguments args)
    {
        var keys = new RedisKeys(args.Get("prefix", "cbp"));
        var anyProvider = keys.Provider("*");
        Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
        {
            stream = (string)keys.Stream!,
            deadLetters = (string)keys.DeadLetters!,
            group = RedisStreamQueue.Group,
            batches = (string)anyProvider.Batch!,
            dirtyDays = (string)anyProvider.Dirty!,
        }));
        return 0;
    }

    private static bool Mix(Arguments args) => args.Get("mix", "delivered") switch
    {
        "delivered" => false,
        "insights" => true,
        var other => throw new ArgumentException($"--mix is delivered or insights, not {other}"),
    };

    private static readonly string[] MixCountries = ["US", "GB", "IN", "BR", "DE"];

    private static readonly string[] MemoryProviders = [.. Enumerable.Range(0, 50).Select(i => $"mem-{i}")];

    /// <summary>
    /// The <paramref name="i"/>-th event of a run, of 50 providers (message n to provider n mod 50, its country and outcome from n / 50). Delivered: one delivered event per message at
    /// <paramref name="now"/>. Insights: message i / 2's sent event (even i, with a country, 2 minutes ago) or its outcome
    /// (odd i, 1 to 60 s later: delivered, or failed with a code for 1 message in 10).
    /// </summary>
    private static CallbackEvent MixedEvent(IReadOnlyList<string> providers, string run, int i, bool insights, long now, DateOnly day)
    {
        if (!insights) return new CallbackEvent(providers[i % providers.Count], EventKind.Delivered, $"{run}{i}", null, now, day);
        var message = i / 2;
        var provider = providers[message % providers.Count];
        var nth = message / providers.Count;
        var sentAt = now - 120;
        if (i % 2 == 0) return new CallbackEvent(provider, EventKind.Sent, $"{run}{message}", null, sentAt, day) { Country = MixCountries[nth % MixCountries.Length] };
        return nth % 10 == 0
            ? new CallbackEvent(provider, EventKind.Failed, $"{run}{message}", null, sentAt + 1 + (nth % 60), day) { Code = "30003", Description = "Unreachable destination handset" }
            : new CallbackEvent(provider, EventKind.Delivered, $"{run}{message}", null, sentAt + 1 + (nth % 60), day);
    }

    /// <summary>The system clock moved by a fixed offset, to apply events in an earlier dedup generation.</summary>
    private sealed class ShiftedClock(TimeSpan offset) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
    }

    /// <summary>The harness's Redis has no replicas to wait for: its writes go over the connection it opened.</summary>
    private static ReplicatedWrites Unreplicated(IConnectionMultiplexer redis) =>
        new(redis, Options.Create(new RedisOptions()), Options.Create(new ConnectionOptions()));

    private static long UsedMemory(IGrouping<string, KeyValuePair<string, string>>[] info) =>
        long.Parse(info.SelectMany(g => g).First(p => p.Key == "used_memory").Value, CultureInfo.InvariantCulture);
}
