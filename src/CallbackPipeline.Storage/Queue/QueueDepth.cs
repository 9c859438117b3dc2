namespace CallbackPipeline.Storage.Queue;

/// <summary>
/// The queue as last read by the queue monitor. Receivers compare the depth with the limit on every request
/// without a round trip of their own; the gauges of /metrics read it too.
/// </summary>
public sealed class QueueDepth
{
    private long depth;
    private long reachable = 1;
    private long oldestAgeTicks;
    private long deadLetters;

    public long Current => Interlocked.Read(ref depth);

    public TimeSpan OldestAge => TimeSpan.FromTicks(Interlocked.Read(ref oldestAgeTicks));

    public long DeadLetters => Interlocked.Read(ref deadLetters);

    public bool Reachable => Interlocked.Read(ref reachable) == 1;

    public void Report(long value)
    {
        Interlocked.Exchange(ref depth, value);
        Interlocked.Exchange(ref reachable, 1);
    }

    public void Report(QueueStats stats)
    {
        Report(stats.Depth);
        Interlocked.Exchange(ref oldestAgeTicks, stats.OldestAge.Ticks);
        Interlocked.Exchange(ref deadLetters, stats.DeadLetters);
    }

    public void ReportUnreachable() => Interlocked.Exchange(ref reachable, 0);
}
