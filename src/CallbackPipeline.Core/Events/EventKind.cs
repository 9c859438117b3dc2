namespace CallbackPipeline.Core.Events;

/// <summary>The normalized event kinds every provider format maps onto (docs/architecture.md, "The rules").</summary>
public enum EventKind : byte
{
    Sent = 1,
    Delivered = 2,
    Failed = 3,
    Clicked = 4,
    Replied = 5,
}
