namespace CallbackPipeline.Core.Events;

/// <summary>
/// One normalized event as it travels through the queue: everything the worker needs to count it
/// without a database lookup. <see cref="Day"/> is already bucketed in the account's reporting time zone.
/// </summary>
/// <param name="ProviderId">The provider the event belongs to.</param>
/// <param name="Kind">What happened.</param>
/// <param name="MessageId">The provider's own message id (for replies, the message replied to or the inbound id).</param>
/// <param name="Distinct">For clicks and replies: what tells two distinct clicks or replies of one message apart.</param>
/// <param name="EventTime">Unix seconds of the event (after the future-time rule).</param>
/// <param name="Day">The reporting day the event counts on.</param>
public sealed record CallbackEvent(
    string ProviderId,
    EventKind Kind,
    string MessageId,
    string? Distinct,
    long EventTime,
    DateOnly Day)
{
    /// <summary>For a failed event: the provider's error code (<see cref="Insights.FailureCodes.Normalize"/>), else null.</summary>
    public string? Code { get; init; }

    /// <summary>For a failed event: the provider's description of the error, when it sent one.</summary>
    public string? Description { get; init; }

    /// <summary>The destination country (ISO 3166-1 alpha-2) the event itself names, else null (its message's sent event's then counts).</summary>
    public string? Country { get; init; }
}
