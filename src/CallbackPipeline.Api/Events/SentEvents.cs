using System.Text.Json;
using System.Text.Json.Serialization;

namespace CallbackPipeline.Api.Events;

public sealed record SentEventsRequest(SentEvent[]? Events);

/// <param name="ProviderId">The provider the message was sent through.</param>
/// <param name="MessageId">The provider's own message id, the one its callbacks carry.</param>
/// <param name="Type"><c>sent</c>, or <c>failed</c> for a submit error.</param>
/// <param name="Timestamp">When it happened; the accept time when omitted.</param>
/// <param name="ErrorCode">For <c>failed</c>: the provider's error code (kept out of counting).</param>
public sealed record SentEvent(string? ProviderId, string? MessageId, string? Type, DateTimeOffset? Timestamp, JsonElement? ErrorCode);

public sealed record SentEventsAnswer(int Accepted);

[JsonSerializable(typeof(SentEventsRequest))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class EventJsonContext : JsonSerializerContext;
