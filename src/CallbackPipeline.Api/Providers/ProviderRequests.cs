using System.Text.Json.Nodes;

namespace CallbackPipeline.Api.Providers;

public sealed record CreateProviderRequest(string? Name, string? Kind, JsonObject? Settings, JsonObject? Secrets, bool? DeliveryCallbacks);

public sealed record EditProviderRequest(string? Name, JsonObject? Settings, JsonObject? Secrets, bool? DeliveryCallbacks, string[]? Rotate, string? Kind = null);
