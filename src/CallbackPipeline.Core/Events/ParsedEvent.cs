namespace CallbackPipeline.Core.Events;

/// <summary>An event as a provider format reports it, before the receiver assigns provider, time and day.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="MessageId">The provider's message id.</param>
/// <param name="Distinct">Tells distinct clicks or replies of one message apart; null for the other kinds.</param>
/// <param name="Time">The provider's event time, when the format carries one.</param>
public sealed record ParsedEvent(EventKind Kind, string MessageId, string? Distinct, DateTimeOffset? Time)
{
    /// <summary>The provider's error code, as it sent it (read for failed events).</summary>
    public string? Code { get; init; }

    /// <summary>The provider's description of the error, when it sends one.</summary>
    public string? Description { get; init; }

    /// <summary>The destination number, as the provider wrote it (E.164, with or without its <c>+</c>).</summary>
    public string? To { get; init; }
}

/// <summary>A record of a batch format that could not be used, with its position and why.</summary>
/// <param name="Index">The record's position among all records of the request, counted from 0 across groups.</param>
/// <param name="Error">What is wrong with it.</param>
public sealed record UnprocessedItem(int Index, string Error);

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

/// <summary>The request is not the format at all (docs/api.md: 400, nothing queued).</summary>
public sealed class CallbackFormatException(string message) : Exception(message);
