namespace CallbackPipeline.Storage.Queue;

/// <summary>
/// The queue depth as last read by the depth monitor. Receivers compare it with the limit on every request
/// without a round trip of their own.
/// </summary>
public sealed class QueueDepth
{
    private long depth;
    private long reachable = 1;

    public long Current => Interlocked.Read(ref depth);

    public bool Reachable => Interlocked.Read(ref reachable) == 1;

    public void Report(long value)
    {
        Interlocked.Exchange(ref depth, value);
        Interlocked.Exchange(ref reachable, 1);
    }

    public void ReportUnreachable() => Interlocked.Exchange(ref reachable, 0);
}
