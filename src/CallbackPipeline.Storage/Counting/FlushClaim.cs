namespace CallbackPipeline.Storage.Counting;

/// <summary>Providers one worker may flush until its lease runs out.</summary>
/// <param name="Deadline">When the lease runs out, in unix ms of Redis's clock.</param>
/// <param name="Listed">How many providers the index listed before this claim.</param>
/// <param name="ProviderIds">The providers claimed.</param>
public sealed record FlushClaim(long Deadline, long Listed, IReadOnlyList<string> ProviderIds);
