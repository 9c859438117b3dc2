namespace CallbackPipeline.Storage.Counting;

/// <summary>What applying a batch of events did.</summary>
/// <param name="Applied">Events that incremented a counter.</param>
/// <param name="Duplicates">Events already counted before.</param>
/// <param name="TooLate">Events older than the dedup window: accepted, counted as nothing.</param>
/// <param name="Dropped">Events of deleted providers.</param>
public readonly record struct CountResult(long Applied, long Duplicates, long TooLate, long Dropped)
{
    public static CountResult operator +(CountResult a, CountResult b) =>
        new(a.Applied + b.Applied, a.Duplicates + b.Duplicates, a.TooLate + b.TooLate, a.Dropped + b.Dropped);
}
