namespace CallbackPipeline.Core.Events;

/// <summary>The request is not the format at all (docs/api.md: 400, nothing queued).</summary>
public sealed class CallbackFormatException(string message) : Exception(message);
