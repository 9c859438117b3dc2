namespace CallbackPipeline.Core.Telemetry;

/// <summary>The tags health checks are registered with; <c>/readyz</c> runs the checks tagged <see cref="Ready"/>.</summary>
public static class HealthTags
{
    public const string Ready = "ready";
}
