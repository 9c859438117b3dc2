namespace CallbackPipeline.Core.Events;

/// <summary>What a provider format made of one request.</summary>
/// <param name="Events">The countable events.</param>
/// <param name="Unprocessed">Records that were rejected, each with a reason.</param>
/// <param name="Records">How many records the request carried.</param>
/// <param name="Ignored">Records accepted but counting nothing (unknown event names, intermediate states).</param>
public sealed record ParsedCallback(IReadOnlyList<ParsedEvent> Events, IReadOnlyList<UnprocessedItem> Unprocessed, int Records, int Ignored)
{
    public int Processed => Records - Unprocessed.Count;

    /// <summary>Records whose status the format does not know: accepted, counted as nothing, reported by a metric.</summary>
    public int UnknownStatuses { get; init; }
}
