using System.Text.Json;
using System.Text.Json.Serialization;

namespace CallbackPipeline.ServiceDefaults;

/// <summary>The body of <c>/readyz</c> and <c>/healthz</c>.</summary>
public sealed record ReadinessReport(string Status, Dictionary<string, string> Checks);

[JsonSerializable(typeof(ReadinessReport))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
