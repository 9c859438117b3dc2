using System.Diagnostics;
using System.Globalization;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallbackPipeline.Load;

/// <summary>Measurements taken against Redis directly: queue drain rate and dedup memory.</summary>
public static class RedisCommands
{
    /// <summary>
    /// Fills the queue with <c>--events</c> events (in messages of <c>--per-message</c>), then times a running worker
    /// (started by hand with the same <c>Redis:KeyPrefix</c>) until the queue is empty.
    /// </summary>
    public static async Task<int> DrainAsync(Arguments args)
    {
        var total = args.GetInt("events", 1_000_000);
        var perMessage = args.GetInt("per-message", 100);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(args.Get("redis"));
        var keys = new RedisKeys(args.Get("prefix", "cbp"));
        var queue = new RedisStreamQueue(redis, keys, Options.Create(new QueueOptions { MaxDepth = long.MaxValue }), new QueueDepth());
        var day = DateOnly.FromDateTime(DateTime.UtcNow);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var run = Guid.NewGuid().ToString("N")[..8];
        var fill = Stopwatch.StartNew();
        var writes = new List<Task>();
        for (var sent = 0; sent < total; sent += perMessage)
        {
            var events = Enumerable.Range(sent, Math.Min(perMessage, total - sent))
                .Select(i => new CallbackEvent($"drain-{i % 50}", EventKind.Delivered, $"{run}-{i}", null, now, day)).ToList();
            writes.Add(queue.EnqueueAsync(events, null, CancellationToken.None));
            if (writes.Count >= 256)
            {
                await Task.WhenAll(writes);
                writes.Clear();
            }
        }
        await Task.WhenAll(writes);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"queued {total} events in {fill.Elapsed.TotalSeconds:F1} s; waiting for the worker to drain…"));

        var db = redis.GetDatabase();
        var start = Stopwatch.StartNew();
        var first = await db.StreamLengthAsync(keys.Stream);
        while (await db.StreamLengthAsync(keys.Stream) > 0)
        {
            await Task.Delay(20);
            if (start.Elapsed > TimeSpan.FromMinutes(10)) return 1;
        }
        var seconds = start.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"drained {first} messages ({total} events) in {seconds:F2} s: {total / seconds:F0} events/s"));
        return 0;
    }

    /// <summary>Applies <c>--records</c> distinct delivered events through the counting script and reports Redis memory per dedup record.</summary>
    public static async Task<int> DedupMemoryAsync(Arguments args)
    {
        var records = args.GetInt("records", 1_000_000);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(args.Get("redis") + ",allowAdmin=true");
        var prefix = $"mem{Guid.NewGuid():N}"[..12];
        var keys = new RedisKeys(prefix);
        var counters = new CounterStore(redis, keys, Options.Create(new CountingOptions()), TimeProvider.System);
        var server = redis.GetServers()[0];
        var before = UsedMemory(await server.InfoAsync("memory"));
        var now = DateTimeOffset.UtcNow;
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        const int batch = 500;
        for (var i = 0; i < records; i += batch)
        {
            var events = Enumerable.Range(i, Math.Min(batch, records - i))
                .Select(n => new CallbackEvent($"mem-{n % 50}", EventKind.Delivered, $"{n:D10}-{Guid.NewGuid():N}"[..24], null, now.ToUnixTimeSeconds(), day));
            await counters.ApplyAsync(events, CancellationToken.None);
        }
        var after = UsedMemory(await server.InfoAsync("memory"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{records} dedup records: {(after - before) / 1024.0 / 1024.0:F1} MiB, {(after - before) / (double)records:F1} bytes per record (message ids of 24 characters)"));

        foreach (var key in server.Keys(pattern: $"{prefix}:*", pageSize: 1000)) await redis.GetDatabase().KeyDeleteAsync(key, CommandFlags.FireAndForget);
        return 0;
    }

    private static long UsedMemory(IGrouping<string, KeyValuePair<string, string>>[] info) =>
        long.Parse(info.SelectMany(g => g).First(p => p.Key == "used_memory").Value, CultureInfo.InvariantCulture);
}
