namespace CallbackPipeline.Storage.Queue;

/// <summary>
/// Wakes an idle worker in the same process as soon as a receiver has queued something, so role <c>all</c> has no
/// polling delay. Workers in other processes fall back to polling with a short backoff.
/// </summary>
public sealed class QueueSignal
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Notify()
    {
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);
}
