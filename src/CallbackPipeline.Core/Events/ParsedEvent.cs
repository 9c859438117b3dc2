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
