namespace CallbackPipeline.Storage.Queue;

/// <summary>What the queue holds right now.</summary>
public readonly record struct QueueStats(long Depth, TimeSpan OldestAge, long DeadLetters);
