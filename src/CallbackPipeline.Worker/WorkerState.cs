namespace CallbackPipeline.Worker;

/// <summary>What the worker's health check reports: whether the last queue read and the last flush worked.</summary>
public sealed class WorkerState
{
    private volatile bool queueHealthy = true;
    private volatile bool flushHealthy = true;

    public bool QueueHealthy => queueHealthy;

    public bool FlushHealthy => flushHealthy;

    public void ReportQueue(bool healthy) => queueHealthy = healthy;

    public void ReportFlush(bool healthy) => flushHealthy = healthy;
}
