using CallbackPipeline.Core.Events;

namespace CallbackPipeline.Api.Callbacks;

/// <summary>The answer to a batch callback (docs/api.md): success, or partial with the records that were not used.</summary>
public sealed record BatchCallbackAnswer(string Status, int Processed, IReadOnlyList<UnprocessedItem> Unprocessed);
