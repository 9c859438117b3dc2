using System.Collections.Concurrent;
using HdrHistogram;

namespace CallbackPipeline.Load;

/// <summary>Latencies (HdrHistogram, microseconds), status codes and accepted events of one scenario.</summary>
public sealed class Recorder(string scenario)
{
    private readonly LongConcurrentHistogram latency = new(1, TimeSpan.FromMinutes(2).Ticks / 10, 3);
    private long ok;
    private long failed;
    private long acceptedEvents;

    public string Scenario { get; } = scenario;

    public ConcurrentDictionary<string, long> StatusCodes { get; } = new();

    public long Ok => Interlocked.Read(ref ok);

    public long Failed => Interlocked.Read(ref failed);

    public long AcceptedEvents => Interlocked.Read(ref acceptedEvents);

    public TimeSpan Duration { get; set; }

    public void Record(string status, TimeSpan elapsed, bool success, int events)
    {
        latency.RecordValue(Math.Max(1, elapsed.Ticks / 10));
        StatusCodes.AddOrUpdate(status, 1, (_, n) => n + 1);
        if (success)
        {
            Interlocked.Increment(ref ok);
            Interlocked.Add(ref acceptedEvents, events);
        }
        else
        {
            Interlocked.Increment(ref failed);
        }
    }

    /// <summary>An attempt that failed and was sent again: shown among the status codes, not counted as a request.</summary>
    public void Retried(string status) => StatusCodes.AddOrUpdate($"{status} retried", 1, (_, n) => n + 1);

    public double PercentileMs(double percentile) => latency.TotalCount == 0 ? 0 : latency.GetValueAtPercentile(percentile) / 1000.0;

    public double MaxMs => latency.TotalCount == 0 ? 0 : latency.GetMaxValue() / 1000.0;
}
