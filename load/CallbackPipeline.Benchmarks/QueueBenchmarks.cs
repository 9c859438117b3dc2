using BenchmarkDotNet.Attributes;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Redis;

namespace CallbackPipeline.Benchmarks;

/// <summary>Queue message (de)serialization and the counting script's arguments, per 1 and 100 events.</summary>
[MemoryDiagnoser]
public class QueueBenchmarks
{
    private CallbackEvent[] events = [];
    private byte[] payload = [];
    private readonly ProviderKeys keys = new RedisKeys("cbp").Provider("prv_0123456789abcdef0123456789abcdef");

    [Params(1, 100)]
    public int Events { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var day = new DateOnly(2026, 11, 27);
        events = Enumerable.Range(0, Events)
            .Select(i => new CallbackEvent("prv_0123456789abcdef0123456789abcdef", EventKind.Delivered, $"919812345678.{i:D10}.1715688100.20240514.0.wzrk_default.-1.", null, 1_764_200_000, day))
            .ToArray();
        payload = QueuePayload.Write(events);
    }

    [Benchmark]
    public byte[] Serialize() => QueuePayload.Write(events);

    [Benchmark]
    public object? Deserialize() => QueuePayload.TryRead(payload);

    [Benchmark]
    public object CountScriptArguments() => CounterStore.ScriptArguments(keys, events, 1_764_200_000_000, 604_800, 8, 2, 306_000);
}
