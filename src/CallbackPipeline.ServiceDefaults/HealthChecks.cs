using System.Text.Json;
using CallbackPipeline.Core.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CallbackPipeline.ServiceDefaults;

/// <summary>
/// <c>/healthz</c> (the process is alive) and <c>/readyz</c> (the role can do its job): the checks tagged
/// <see cref="HealthTags.Ready"/>, which each part registers for what it depends on. Unhealthy is 503, degraded 200.
/// </summary>
public static class HealthChecks
{
    public static WebApplication MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(HealthTags.Ready), ResponseWriter = WriteAsync });
        return app;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var status = report.Status switch
        {
            HealthStatus.Healthy => "ready",
            HealthStatus.Degraded => "degraded",
            _ => "unready",
        };
        var checks = report.Entries.ToDictionary(
            e => e.Key,
            e => e.Value.Status == HealthStatus.Healthy ? "up" : e.Value.Description ?? "down");
        return JsonSerializer.SerializeAsync(context.Response.Body, new ReadinessReport(status, checks), HealthJsonContext.Default.ReadinessReport, context.RequestAborted);
    }
}
